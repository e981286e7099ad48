/**
 * The progress line: runtime, suite, case and how far, on stderr so stdout stays the report.
 * On a terminal the line is rewritten in place; elsewhere (CI logs) one line per case.
 */
export class Progress {
  readonly #tty = process.stderr.isTTY === true;
  readonly #prefix: string;
  #last = "";

  constructor(runtime: string, suite: string) {
    this.#prefix = `[${runtime}] ${suite}`;
  }

  update(step: number, total: number, what: string): void {
    const line = `${this.#prefix}  ${step}/${total}  ${what}`;
    if (line === this.#last) return;
    this.#last = line;
    if (this.#tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
    else process.stderr.write(line + "\n");
  }

  note(message: string): void {
    if (this.#tty) process.stderr.write("\r\x1b[2K");
    process.stderr.write(`${this.#prefix}  ${message}\n`);
  }

  done(seconds: number): void {
    this.note(`done in ${seconds.toFixed(1)} s`);
  }
}
