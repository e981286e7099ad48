// The page over the repo's committed results (benchmarks/results: what `npm start` shows for
// this machine), checked for what it says, not only that it draws: every chart has data, the
// self-sizing view shows the run where C changes, the scoreboard lists every target, and a
// lower-is-better figure above 1 is never shown as ahead. Screenshots of each view go to
// test-output/ (view-<id>.png).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { TARGETS, TOLERANCES, type BenchResultFile } from "@concurrent/bench-schema";
import { charts, launch, openPage, skip } from "./browser.js";
import { buildSite } from "./build-site.js";
import { appDir, outputDir } from "./paths.js";
import { serveStatic } from "./serve.js";

/** The results folder (COMMITTED_RESULTS_DIR points the test elsewhere, e.g. at a broken copy). */
const committedResults = process.env["COMMITTED_RESULTS_DIR"] ?? join(appDir, "..", "..", "benchmarks", "results");
const problems: string[] = [];
const closers: (() => Promise<void>)[] = [];
let shared: Promise<{ browser: Browser; committed: string; page: Page }> | undefined;

function setup() {
  shared ??= (async () => {
    mkdirSync(outputDir, { recursive: true });
    const site = join(outputDir, "site-committed");
    buildSite(committedResults, site);
    const server = await serveStatic(site);
    closers.push(server.close);
    const browser = await launch();
    closers.push(() => browser.close());
    // One page for every test (rendering some 50 charts is not free on a busy machine); a
    // test that switches the runtime switches it back.
    const page = await openPage(browser, server.url, problems);
    return { browser, committed: server.url, page };
  })();
  return shared;
}

after(async () => {
  for (const close of closers.reverse()) await close();
});

/** The shared page, on Node. */
async function open(): Promise<Page> {
  const { page } = await setup();
  await page.selectOption("#runtime", "node");
  return page;
}

test("committed results: every chart plots data, and says so in its data-datasets attribute", { skip }, async () => {
  const page = await open();
  const all = await charts(page);
  assert.ok(all.length >= 20, `only ${all.length} charts`);
  for (const chart of all) {
    const points = chart.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0);
    assert.ok(points > 0, `${chart.id}: no data points`);
    const attr = JSON.parse((await page.locator(`[data-chart="${chart.id}"]`).getAttribute("data-datasets"))!) as Record<string, number>;
    assert.deepEqual(Object.keys(attr), chart.datasets.map((d) => d.label), `${chart.id}: data-datasets names its datasets`);
    for (const d of chart.datasets) {
      assert.ok(attr[d.label]! > 0 || d.label.startsWith("target"), `${chart.id}: dataset "${d.label}" is empty`);
    }
  }
});

/** The newest full run of `suite` on `runtime` in the committed results (what the page plots). */
function newestFullRun(suite: string, runtime: string): BenchResultFile | undefined {
  return readdirSync(committedResults)
    .filter((name) => name.endsWith(".json") && name !== "baseline.json")
    .map((name) => JSON.parse(readFileSync(join(committedResults, name), "utf8")) as BenchResultFile)
    .filter((r) => r.suite === suite && r.runtime?.name === runtime && r.mode === "full")
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date))
    .at(-1);
}

test("committed results: the peers and IO-vs-CPU charts plot the numbers their figures compare (medians, not means)", { skip }, async () => {
  const page = await open();
  const all = await charts(page);
  const checks = [
    { chart: "peers-async-trivial", figure: "async-trivial/p-limit" },
    { chart: "peers-tiny-submit", figure: "tiny-submit/raw-pipelined" },
    // Timed in turns in one process when the run has that group (its label says so), else
    // from the cpu-fib27 group's separate processes.
    { chart: "peers-cpu-fib27-in-turns", figure: "cpu-fib27/bare-threads" },
  ];
  let checked = 0;
  for (const runtime of ["node", "bun", "deno"]) {
    const run = newestFullRun("peers", runtime);
    if (run === undefined) continue;
    for (const { chart, figure } of checks) {
      const f = run.figures?.find((x) => x.name === figure);
      if (f === undefined) continue;
      const id = chart.endsWith("-in-turns") && !f.label.includes("in turns") ? chart.slice(0, -"-in-turns".length) : chart;
      const dataset = all.find((c) => c.id === id)?.datasets.find((d) => d.label.toLowerCase().startsWith(runtime));
      assert.ok(dataset, `${id}: no dataset for ${runtime}`);
      const values = dataset.data.filter((v): v is number => typeof v === "number");
      for (const [side, want] of [["ours", f.ours], ["reference", f.reference]] as const) {
        assert.ok(
          values.some((v) => Math.abs(v - want) <= want * 1e-3),
          `${id} on ${runtime}: no bar at the figure's ${side} (${want}); bars: ${values.map((v) => Math.round(v)).join(", ")}`,
        );
      }
      checked++;
    }
  }
  assert.ok(checked > 0, "no committed peers run with these figures to check");

  // The IO-vs-CPU view, on Node (the page's runtime here): each executor's line passes through
  // its figure's number.
  const io = newestFullRun("io-vs-cpu", "node");
  const cpu = all.find((c) => c.id === "io-vs-cpu-cpu-fib");
  for (const [name, executor] of [["cpu-fib/worker-cores/sequential", "WorkerPoolExecutor"], ["cpu-fib/async-best/sequential", "AsyncPoolExecutor"]] as const) {
    const f = io?.figures?.find((x) => x.name === name);
    if (f === undefined || cpu === undefined) continue;
    const line = cpu.datasets.find((d) => d.label === executor);
    assert.ok(line, `io-vs-cpu-cpu-fib: no ${executor} line`);
    const values = line.data.filter((v): v is number => typeof v === "number");
    assert.ok(
      values.some((v) => Math.abs(v - f.ours) <= f.ours * 1e-3),
      `io-vs-cpu-cpu-fib: ${executor} never at ${name}'s ${f.ours}; points: ${values.map((v) => Math.round(v)).join(", ")}`,
    );
    checked++;
  }
});

test("committed results: the scoreboard comes first and lists every target and gated figure per runtime", { skip }, async () => {
  const page = await open();
  const firstView = await page.locator("#views > section").first().getAttribute("id");
  assert.equal(firstView, "scoreboard");
  const listed = await page.locator("#scoreboard tr[data-figure]").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset["figure"]));
  for (const name of [...Object.keys(TARGETS), ...Object.keys(TOLERANCES)]) assert.ok(listed.includes(name), `the scoreboard lacks ${name}`);
  for (const rt of ["node", "bun", "deno"]) {
    assert.ok((await page.locator(`#scoreboard td[data-runtime="${rt}"]`).count()) >= Object.keys(TARGETS).length - 2, `${rt} has too few cells`);
  }
  // Every cell's colour agrees with its target and direction.
  const cells = await page.locator("#scoreboard td[data-runtime]").evaluateAll((tds) =>
    tds.map((td) => {
      const row = td.closest("tr")! as HTMLElement;
      return { figure: row.dataset["figure"]!, better: row.dataset["better"]!, ratio: Number((td as HTMLElement).dataset["ratio"]), met: (td as HTMLElement).dataset["met"]!, cls: td.className };
    })
  );
  for (const c of cells) {
    const target = TARGETS[c.figure];
    if (!target) continue;
    const ok = c.better === "higher" ? c.ratio >= (target.perCpu ? 0 : target.target) : c.ratio <= target.target;
    if (!target.perCpu) assert.equal(c.met, ok ? "met" : "missed", `${c.figure} ${c.ratio}`);
    assert.match(c.cls, new RegExp(c.met));
  }
});

test("a lower-is-better ratio above its target is not shown as a win", { skip }, async () => {
  const page = await open();
  // Every lower-is-better figure on the page (scoreboard and the views' figure tables) above its
  // target is red ("missed"), and none above 1 with a target of 1 or less is green.
  const cells = await page.locator("tr[data-better=lower] td[data-ahead]").evaluateAll((tds) =>
    tds.map((td) => ({ text: td.textContent ?? "", met: (td as HTMLElement).dataset["met"], ahead: (td as HTMLElement).dataset["ahead"], figure: (td.closest("tr") as HTMLElement).dataset["figure"] }))
  );
  assert.ok(cells.length > 10, "no lower-is-better figures found");
  let aboveOne = 0;
  for (const c of cells) {
    const ratio = Number(/([0-9.]+)×/.exec(c.text)?.[1]);
    assert.ok(Number.isFinite(ratio), `${c.figure}: no ratio in ${c.text}`);
    if (ratio > 1) {
      aboveOne++;
      assert.equal(c.ahead, "false", `${c.figure} ${ratio} (lower is better) is shown as ahead`);
    }
    const target = TARGETS[c.figure!]?.target;
    if (target !== undefined && ratio > target) assert.equal(c.met, "missed", `${c.figure} ${ratio} shown as ${c.met}`);
    if (target !== undefined && ratio <= target) assert.equal(c.met, "met", `${c.figure} ${ratio} shown as ${c.met}`);
  }
  assert.ok(aboveOne > 0, "the committed results have a lower-is-better ratio above 1 (roundtrip/raw ≈ 1.3) to check");
  // roundtrip/raw (≈ 1.2–1.3, target ≤ 1.5): the target is met, yet it is behind raw, and its row says lower is better.
  const roundtrip = page.locator('#scoreboard tr[data-figure="roundtrip/raw"]');
  assert.equal(await roundtrip.getAttribute("data-better"), "lower");
  assert.match(await roundtrip.locator("th").innerText(), /↓/);
});

test("committed results: the streaming and cancellation views plot every way and kind on every runtime", { skip }, async () => {
  const page = await open();
  /** Chart id → dataset label → the number of points it must have with a value. */
  const expected: Record<string, Record<string, number>> = {
    "streaming-throughput": { "values/s": 5 },
    "streaming-first-value": { "time to first value (ms)": 2 },
    "streaming-rss": { "peak extra RSS (MB)": 1, "budget 50 MB": 1 },
    "cancellation-time": { "total time (ms)": 3, "target: 1.5× the good calls alone": 3 },
    "cancellation-respawns": { "worker respawns": 3, "calls timed out": 3 },
  };
  try {
    for (const rt of ["node", "bun", "deno"]) {
      await page.selectOption("#runtime", rt);
      const all = await charts(page);
      for (const [id, datasets] of Object.entries(expected)) {
        const chart = all.find((c) => c.id === id);
        assert.ok(chart, `${rt}: no chart ${id}`);
        const attr = JSON.parse((await page.locator(`[data-chart="${id}"]`).getAttribute("data-datasets"))!) as Record<string, number>;
        for (const [label, n] of Object.entries(datasets)) assert.equal(attr[label], n, `${rt} ${id}: dataset "${label}"`);
      }
      // Ignoring tasks cost their workers, honouring ones do not.
      const respawns = all.find((c) => c.id === "cancellation-respawns")!.datasets[0]!.data as number[];
      assert.ok(respawns[2]! > 0 && respawns[1] === 0, `${rt}: respawns ${respawns}`);
    }
  } finally {
    await page.selectOption("#runtime", "node");
  }
});

test("screenshots of each view over the committed results", { skip }, async () => {
  const page = await open();
  // The toolbar sticks to the top of the window and would cover the top of each view's picture.
  const unstick = await page.addStyleTag({ content: ".toolbar { position: static; }" });
  for (const id of await page.locator("#views > section").evaluateAll((s) => s.map((x) => x.id))) {
    await page.locator(`#${id}`).screenshot({ path: join(outputDir, `view-${id}.png`) });
  }
  await unstick.evaluate((style) => (style as Element).remove());
});

test("committed results: no console errors, page errors or failed requests", { skip }, async () => {
  await open();
  assert.deepEqual(problems, []);
});
