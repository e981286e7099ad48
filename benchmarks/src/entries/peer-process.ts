// A peer's own process: reads commands on stdin, runs them with tinybench, answers on stdout.
// The parent (peers/host.ts) enforces the time limits and kills this process on a hang.
import { Bench } from "tinybench";
import { PEERS, type PeerAdapter } from "../peers/adapter.js";
import { REPLY_PREFIX, type PeerCommand, type PeerReply } from "../harness/peer-protocol.js";

let adapter: PeerAdapter | undefined;

function reply(r: PeerReply): void {
  process.stdout.write(REPLY_PREFIX + JSON.stringify(r) + "\n");
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

async function handle(c: PeerCommand): Promise<void> {
  switch (c.cmd) {
    case "start": {
      const module = (await import(`../peers/${PEERS[c.peer]}.js`)) as { default: () => PeerAdapter };
      adapter = module.default();
      await adapter.start({ workers: c.workers, cpus: c.cpus });
      reply({ id: c.id, ok: true });
      return;
    }
    case "bench": {
      const fn = adapter?.[c.bench];
      if (!fn) throw new Error(`this peer has no ${c.bench}`);
      const call = async () => {
        const got = await fn.apply(adapter, c.args as [number, number]);
        if (got !== c.expect) throw new Error(`wrong result: got ${got}, expected ${c.expect}`);
      };
      for (let i = 0; i < c.warmup; i++) await call();
      const bench = new Bench({ iterations: c.iterations, time: c.timeMs, warmup: false, retainSamples: true, throws: true });
      bench.add(c.bench, call, { async: true });
      await bench.run();
      const result = bench.tasks[0]!.result;
      if (result.state !== "completed") throw new Error(`tinybench: ${result.state}`);
      reply({ id: c.id, ok: true, samples: [...(result.latency.samples ?? [])] });
      return;
    }
    case "call": {
      const module = (await import(c.module)) as Record<string, (...args: unknown[]) => unknown>;
      reply({ id: c.id, ok: true, value: await module[c.fn]!(...c.args) });
      return;
    }
    case "close":
      await adapter?.close();
      reply({ id: c.id, ok: true });
      process.exit(0);
  }
}

let buffered = "";
let chain = Promise.resolve();
process.stdin.on("data", (chunk: Buffer | string) => {
  buffered += chunk.toString();
  let nl: number;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (!line.trim()) continue;
    const command = JSON.parse(line) as PeerCommand;
    chain = chain.then(() => handle(command)).catch((error: unknown) => reply({ id: command.id, ok: false, error: describe(error) }));
  }
});
process.stdin.on("end", () => process.exit(0));
