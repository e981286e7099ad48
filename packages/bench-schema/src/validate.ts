import { CASE_STATUSES, RUNTIMES, SCHEMA_VERSION, SUITES, type BenchResultFile } from "./schema.js";

export type ValidationResult = { ok: true; value: BenchResultFile } | { ok: false; errors: string[] };

type Obj = { [key: string]: unknown };

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  if (v === undefined) return "nothing (missing)";
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/**
 * Checks that `json` (a parsed result file) follows {@link BenchResultFile}. Unknown extra
 * fields are allowed, so a newer writer does not break an older reader. On failure, every
 * problem found is listed as `path: what was expected, got what`.
 */
export function validateResultFile(json: unknown): ValidationResult {
  const errors: string[] = [];
  const fail = (path: string, expected: string, got: unknown) =>
    errors.push(`${path}: expected ${expected}, got ${show(got)}`);

  const str = (o: Obj, key: string, path: string, optional = false) => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== "string" || v === "") fail(`${path}.${key}`, "a non-empty string", v);
  };
  const num = (o: Obj, key: string, path: string, optional = false) => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`${path}.${key}`, "a finite number", v);
  };
  const oneOf = (o: Obj, key: string, path: string, allowed: readonly unknown[], optional = false) => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (!allowed.includes(v)) fail(`${path}.${key}`, `one of ${allowed.map(show).join(", ")}`, v);
  };
  const obj = (o: Obj, key: string, path: string, optional = false): Obj | undefined => {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (isObject(v)) return v;
    fail(`${path}.${key}`, "an object", v);
    return undefined;
  };
  const numberMap = (o: Obj, key: string, path: string) => {
    const m = obj(o, key, path, true);
    if (m) for (const k of Object.keys(m)) num(m, k, `${path}.${key}`);
  };

  if (!isObject(json)) {
    fail("$", "an object", json);
    return { ok: false, errors };
  }
  const root = "$";
  if (json["schemaVersion"] !== SCHEMA_VERSION)
    fail(`${root}.schemaVersion`, String(SCHEMA_VERSION), json["schemaVersion"]);
  oneOf(json, "suite", root, SUITES);

  const runtime = obj(json, "runtime", root);
  if (runtime) {
    oneOf(runtime, "name", `${root}.runtime`, RUNTIMES);
    str(runtime, "version", `${root}.runtime`);
  }

  const machine = obj(json, "machine", root);
  if (machine) {
    const p = `${root}.machine`;
    str(machine, "cpuModel", p);
    num(machine, "cpus", p);
    str(machine, "os", p);
    str(machine, "arch", p);
    num(machine, "memoryMB", p);
  }

  str(json, "date", root);
  if (typeof json["date"] === "string" && Number.isNaN(Date.parse(json["date"]))) {
    fail(`${root}.date`, "an ISO 8601 date", json["date"]);
  }
  const commit = json["commit"];
  if (commit !== null && (typeof commit !== "string" || commit === ""))
    fail(`${root}.commit`, "a git sha or null", commit);
  oneOf(json, "mode", root, ["full", "ci"]);
  obj(json, "parameters", root);
  numberMap(json, "ratios", root);

  const figures = json["figures"];
  if (figures !== undefined) {
    if (!Array.isArray(figures)) fail(`${root}.figures`, "an array", figures);
    else
      figures.forEach((f: unknown, i) => {
        const p = `${root}.figures[${i}]`;
        if (!isObject(f)) return fail(p, "an object", f);
        str(f, "name", p);
        str(f, "label", p);
        for (const k of ["ours", "reference", "ratio"]) num(f, k, p);
        if (typeof f["unit"] !== "string") fail(`${p}.unit`, "a string", f["unit"]);
        oneOf(f, "better", p, ["higher", "lower"]);
        num(f, "target", p, true);
      });
  }

  const cases = json["cases"];
  if (!Array.isArray(cases)) {
    fail(`${root}.cases`, "an array", cases);
  } else {
    const names = new Set<string>();
    cases.forEach((c: unknown, i) => {
      const p = `${root}.cases[${i}]`;
      if (!isObject(c)) return fail(p, "an object", c);
      str(c, "name", p);
      if (typeof c["name"] === "string") {
        if (names.has(c["name"])) fail(`${p}.name`, "a name unique in the file", c["name"]);
        names.add(c["name"]);
      }
      str(c, "group", p, true);

      const labels = obj(c, "labels", p);
      if (labels) {
        for (const [k, v] of Object.entries(labels)) {
          if (!["string", "number", "boolean"].includes(typeof v))
            fail(`${p}.labels.${k}`, "a string, number or boolean", v);
        }
        const mw = labels["maxWorkers"];
        if (mw !== undefined && mw !== "auto" && !(typeof mw === "number" && Number.isInteger(mw) && mw > 0)) {
          fail(`${p}.labels.maxWorkers`, 'a positive integer or "auto"', mw);
        }
      }

      oneOf(c, "status", p, CASE_STATUSES, true);
      const ok = c["status"] === undefined || c["status"] === "ok";
      str(c, "error", p, ok);

      const stats = obj(c, "stats", p, !ok);
      if (stats) {
        const sp = `${p}.stats`;
        for (const k of ["mean", "p50", "p99", "samples", "throughput"]) num(stats, k, sp);
        num(stats, "opsPerIteration", sp, true);
        num(stats, "rme", sp, true);
      }

      numberMap(c, "metrics", p);
      numberMap(c, "ratios", p);

      const series = obj(c, "series", p, true);
      if (series) {
        for (const [name, points] of Object.entries(series)) {
          const sp = `${p}.series.${name}`;
          if (!Array.isArray(points)) {
            fail(sp, "an array of points", points);
            continue;
          }
          points.forEach((pt: unknown, j) => {
            if (!isObject(pt)) return fail(`${sp}[${j}]`, "an object", pt);
            num(pt, "t", `${sp}[${j}]`);
            for (const k of Object.keys(pt)) if (k !== "t") num(pt, k, `${sp}[${j}]`);
          });
        }
      }
    });
  }

  // Every field was checked above, so the cast only names what the checks established.
  return errors.length === 0 ? { ok: true, value: json as unknown as BenchResultFile } : { ok: false, errors };
}
