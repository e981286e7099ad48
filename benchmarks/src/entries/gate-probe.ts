// One round of the PR gate: loads two builds of the library side by side in this one process
// — `<base>/packages/futures/dist/index.js` and `<pr>/…` — and measures each figure of
// PROBE_FIGURES on both, repetition by repetition, alternating (base, PR, PR, base, …), so each
// pair of repetitions shares the machine's state of that moment. Prints one JSON line.
//
//   <runtime> gate-probe.js <base root> <pr root> [--slow-pr-us N] [--pr-first]
//
// --slow-pr-us adds a busy wait to every submit of the PR side only (the gate's detection test).
import process from "node:process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Futures from "@concurrent/futures";
import { PROBE_FIGURES, type ProbeOutput } from "../gate/probe-figures.js";
import { slowedBy } from "../harness/slowdown.js";

const [baseRoot, prRoot] = process.argv.slice(2);
if (!baseRoot || !prRoot) {
  process.stderr.write("usage: gate-probe.js <base root> <pr root> [--slow-pr-us N]\n");
  process.exit(2);
}
const slowAt = process.argv.indexOf("--slow-pr-us");
const slowPrUs = slowAt > 0 ? Number(process.argv[slowAt + 1]) : 0;
const REPS = Number(process.env.BENCH_GATE_REPS ?? 9);

const load = async (root: string) => (await import(pathToFileURL(join(root, "packages/futures/dist/index.js")).href)) as typeof Futures;

// CPU time (user + system, all threads) of one repetition, per task. On a busy machine wall
// time mostly measures the scheduler (a single round trip is nothing else, which is why it is
// not a gate figure); the CPU our code burns per task moves with our code. Garbage one side
// leaves may be collected on the other's time: that noise is symmetric, and the medians
// over pairs and rounds absorb it.
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const square = (x: number) => x * x;
const trivial = async (x: number) => x * x;
const SIZE = { "submit-tiny": 4_000, "map-chunked": 20_000, "async-trivial": 10_000 } as const;
const items = Array.from({ length: SIZE["map-chunked"] }, (_, i) => i);

async function side(root: string, slowUs: number) {
  const lib = await load(root);
  const pool = slowedBy(new lib.WorkerPoolExecutor({ maxWorkers: 2 }), slowUs);
  const asyncPool = slowedBy(new lib.AsyncPoolExecutor({ maxWorkers: 16 }), slowUs);
  await Promise.all(Array.from({ length: 4 }, () => pool.submit((ms: number) => new Promise((r) => setTimeout(r, ms)), 20)));
  const runs: { [name: string]: () => Promise<unknown> } = {
    "submit-tiny": () => Promise.all(Array.from({ length: SIZE["submit-tiny"] }, (_, i) => pool.submit(square, i))),
    "map-chunked": async () => {
      let sum = 0;
      for await (const v of pool.map(square, items, { chunksize: 256 })) sum += v;
      return sum;
    },
    "async-trivial": () => Promise.all(Array.from({ length: SIZE["async-trivial"] }, (_, i) => asyncPool.submit(trivial, i))),
  };
  const close = () => Promise.race([Promise.all([pool.shutdown(), asyncPool.shutdown()]), new Promise((r) => setTimeout(r, 5000))]);
  return { runs, close };
}

async function perTask(name: keyof typeof SIZE, run: () => Promise<unknown>): Promise<number> {
  const c0 = cpuMicros();
  await run();
  return (cpuMicros() - c0) / SIZE[name];
}

// Which build is loaded and started first alternates over the rounds (--pr-first), so neither
// side always gets the first-loaded, first-warmed position.
const prFirst = process.argv.includes("--pr-first");
const pr = prFirst ? await side(prRoot, slowPrUs) : undefined;
const base = await side(baseRoot, 0);
const prSide = pr ?? (await side(prRoot, slowPrUs));
const out: ProbeOutput = { figures: {} };
try {
  for (const { name } of PROBE_FIGURES) {
    const key = name as keyof typeof SIZE;
    for (let w = 0; w < 2; w++) {
      // warm-up, both sides, until the JIT has settled on both
      await base.runs[key]!();
      await prSide.runs[key]!();
    }
    const f = (out.figures[name] = { base: [] as number[], pr: [] as number[] });
    for (let i = 0; i < REPS; i++) {
      if (i % 2 === (prFirst ? 1 : 0)) {
        f.base.push(await perTask(key, base.runs[key]!));
        f.pr.push(await perTask(key, prSide.runs[key]!));
      } else {
        f.pr.push(await perTask(key, prSide.runs[key]!));
        f.base.push(await perTask(key, base.runs[key]!));
      }
    }
  }
} finally {
  await Promise.all([base.close(), prSide.close()]);
}
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(0);
