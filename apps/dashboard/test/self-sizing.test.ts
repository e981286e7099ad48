// The self-sizing view over the committed auto-sizing results of each runtime: it must plot
// the run the suite exists for — "auto" while the server's capacity C changes 16 → 4 → 32 —
// with the limit following C and the throughput over the same time, not the fixed-C case.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { charts, launch, openPage, skip } from "./browser.js";
import { buildSite } from "./build-site.js";
import { appDir, outputDir } from "./paths.js";
import { serveStatic } from "./serve.js";

/** The results folder (COMMITTED_RESULTS_DIR points the test elsewhere, e.g. at a broken copy). */
const committedResults = process.env["COMMITTED_RESULTS_DIR"] ?? join(appDir, "..", "..", "benchmarks", "results");
const problems: string[] = [];
const closers: (() => Promise<void>)[] = [];
let shared: Promise<{ browser: Browser; page: Page }> | undefined;

/** A site over the auto-sizing files alone (a small page: switching runtimes re-renders little). */
function setup() {
  shared ??= (async () => {
    const results = join(outputDir, "auto-sizing-results");
    rmSync(results, { recursive: true, force: true });
    mkdirSync(results, { recursive: true });
    for (const f of readdirSync(committedResults).filter((f) => f.startsWith("auto-sizing-") && f.endsWith(".json"))) {
      copyFileSync(join(committedResults, f), join(results, f));
    }
    const site = join(outputDir, "site-auto-sizing");
    buildSite(results, site);
    const server = await serveStatic(site);
    closers.push(server.close);
    const browser = await launch();
    closers.push(() => browser.close());
    return { browser, page: await openPage(browser, server.url, problems) };
  })();
  return shared;
}

after(async () => {
  for (const close of closers.reverse()) await close();
});

test("committed results: the self-sizing view plots the run where C changes, with throughput", { skip }, async () => {
  const { page } = await setup();
  for (const rt of ["node", "bun", "deno"]) {
    await page.selectOption("#runtime", rt);
    const all = await charts(page);
    const limit = all.find((c) => c.id === "auto-limit")!;
    const capacity = limit.datasets.find((d) => d.label === "server capacity C")!;
    const values = new Set(capacity.data.map((p) => (p as { y: number }).y));
    assert.ok(values.size >= 3, `${rt}: the capacity spans ${[...values].join(", ")}: not the run where C changes`);
    const limits = limit.datasets.find((d) => d.label === "auto limit")!.data.map((p) => (p as { y: number }).y);
    assert.ok(new Set(limits).size >= 3, `${rt}: the limit never moves`);
    const throughput = all.find((c) => c.id === "auto-throughput")!;
    assert.ok(throughput.datasets[0]!.data.length >= 10, `${rt}: the throughput over time is empty`);
    assert.match(await page.locator('[data-chart="auto-limit"] .caption').innerText(), /16 → 4 → 32/);
  }
});

test("self-sizing: no console errors, page errors or failed requests", { skip }, async () => {
  await setup();
  assert.deepEqual(problems, []);
});
