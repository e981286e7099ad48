// End to end: the real `vite build` over fixture result files, served over HTTP, driven in
// Debian's Chromium through playwright-core.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { charts, launch, openPage, skip, type Hook } from "./browser.js";
import { buildSite } from "./build-site.js";
import { fixturesDir, outputDir } from "./paths.js";
import { serveStatic } from "./serve.js";

if (skip) console.log(`# ${skip}`);

/** Every chart the fixtures must produce for Node (the default runtime). */
const EXPECTED_CHARTS = [
  "io-vs-cpu-io-http",
  "io-vs-cpu-cpu-fib",
  "ordered-arrivals-AsyncPoolExecutor",
  "ordered-arrivals-WorkerPoolExecutor",
  "ordered-first-result",
  "peers-tiny-submit",
  "auto-limit",
  "auto-throughput",
  "auto-vs-fixed",
  "scaleout-bullmq",
  "history-submit-piscina",
  "history-submit-poolifier",
  "history-submit-postMessage",
];

const problems: string[] = [];
let shared: Promise<{ browser: Browser; fixtures: string; empty: string }> | undefined;
const closers: (() => Promise<void>)[] = [];

/** Builds both sites and starts the browser once, for every test that needs them. */
function setup() {
  shared ??= (async () => {
    mkdirSync(outputDir, { recursive: true });
    const emptyResults = join(outputDir, "empty-results");
    rmSync(emptyResults, { recursive: true, force: true });
    mkdirSync(emptyResults);
    const sites = { fixtures: join(outputDir, "site-fixtures"), empty: join(outputDir, "site-empty") };
    buildSite(fixturesDir, sites.fixtures);
    buildSite(emptyResults, sites.empty);
    const [fixtures, empty] = await Promise.all([serveStatic(sites.fixtures), serveStatic(sites.empty)]);
    closers.push(fixtures.close, empty.close);
    const browser = await launch();
    closers.push(() => browser.close());
    return { browser, fixtures: fixtures.url, empty: empty.url };
  })();
  return shared;
}

after(async () => {
  for (const close of closers.reverse()) await close();
});

async function open(url: string): Promise<Page> {
  const { browser } = await setup();
  return openPage(browser, url, problems);
}

/** Pixels of a canvas drawn in a saturated colour: the data, not the grey grid and text. */
const colouredPixels = (page: Page, canvasId: string, rgb?: [number, number, number]) =>
  page.evaluate(
    ({ canvasId, rgb }) => {
      const canvas = document.getElementById(canvasId) as HTMLCanvasElement | null;
      if (!canvas) return -1;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a < 128) continue;
        if (
          rgb
            ? Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) < 40
            : Math.max(r, g, b) - Math.min(r, g, b) > 60
        )
          n++;
      }
      return n;
    },
    { canvasId, rgb }
  );

test(
  "every chart renders from the fixtures: data drawn, legend, axis titles, caption naming the machine",
  { skip },
  async () => {
    const { fixtures } = await setup();
    const page = await open(fixtures);
    await page.screenshot({ path: join(outputDir, "dashboard.png"), fullPage: true });
    const all = await charts(page);
    assert.deepEqual(all.map((c) => c.id).sort(), [...EXPECTED_CHARTS].sort());
    for (const chart of all) {
      assert.ok(chart.legend.length > 0, `${chart.id}: legend is empty`);
      assert.ok(chart.axisTitles["x"], `${chart.id}: no x axis title`);
      assert.ok(chart.axisTitles["y"], `${chart.id}: no y axis title`);
      assert.ok(
        chart.datasets.some((d) => d.data.some((v) => v !== null)),
        `${chart.id}: no data`
      );
      assert.ok(
        (await colouredPixels(page, chart.canvasId)) > 200,
        `${chart.id}: canvas has (almost) no coloured pixels`
      );
      const caption = await page.locator(`[data-chart="${chart.id}"] .caption`).innerText();
      assert.match(caption, /AMD EPYC 7B13 \(fixture\)/, `${chart.id}: caption does not name the machine`);
    }
    await page.close();
  }
);

test("the runtime selector switches every view to that runtime's data", { skip }, async () => {
  const { fixtures } = await setup();
  const page = await open(fixtures);
  const io = async () => (await charts(page)).find((c) => c.id === "io-vs-cpu-io-http")!;
  const before = await io();
  assert.equal(await page.locator("#runtime option[value=deno]").isDisabled(), true, "Deno has no fixture results");
  await page.selectOption("#runtime", "bun");
  const afterSwitch = await io();
  assert.equal(await page.evaluate(() => (window as unknown as { dashboard: Hook }).dashboard.state?.runtime), "bun");
  assert.deepEqual(afterSwitch.legend, before.legend);
  assert.notDeepEqual(afterSwitch.datasets, before.datasets, "the IO chart's data did not change with the runtime");
  for (const id of ["io-vs-cpu-io-http", "ordered-first-result", "auto-vs-fixed"]) {
    assert.match(
      await page.locator(`[data-chart="${id}"] .caption`).innerText(),
      /Bun 1\.4\.5/,
      `${id} does not say Bun`
    );
  }
  await page.selectOption("#metric", "speedup");
  const speedup = await io();
  assert.equal(speedup.axisTitles["y"], "speedup over sequential (×)");
  const seq = speedup.datasets.find((d) => d.label.startsWith("sequential"))!;
  assert.ok(
    seq.data.every((v) => v === 1),
    "the sequential baseline is 1× in speedup mode"
  );
  await page.close();
});

test("compare runtimes overlays Node and Bun in the IO vs CPU charts", { skip }, async () => {
  const { fixtures } = await setup();
  const page = await open(fixtures);
  await page.check("#compare-runtimes");
  const legend = (await charts(page)).find((c) => c.id === "io-vs-cpu-cpu-fib")!.legend;
  for (const label of [
    "Node · AsyncPoolExecutor",
    "Node · WorkerPoolExecutor",
    "Bun · AsyncPoolExecutor",
    "Bun · WorkerPoolExecutor",
  ]) {
    assert.ok(legend.includes(label), `legend lacks ${label}: ${legend.join(", ")}`);
  }
  await page.screenshot({ path: join(outputDir, "dashboard-compare.png"), fullPage: false });
  await page.close();
});

test("a peer that hangs is marked in the chart and listed, not hidden", { skip }, async () => {
  const { fixtures } = await setup();
  const page = await open(fixtures);
  const peers = (await charts(page)).find((c) => c.id === "peers-tiny-submit")!;
  const bun = peers.datasets.find((d) => d.label.startsWith("Bun"))!;
  assert.ok(bun.data.includes(null), "the hung peer has no bar");
  const failures = await page.locator('[data-chart="peers-tiny-submit"] .failures').allInnerTexts();
  assert.match(failures.join("\n"), /Bun: tiny-submit workerpool: timeout — no result within 30000 ms/);
  assert.ok(
    (await colouredPixels(page, peers.canvasId, [0xb9, 0x1c, 0x1c])) > 20,
    "no red ✕ marker drawn on the peers chart"
  );
  await page.close();
});

test("malformed result files are reported on the page and skipped", { skip }, async () => {
  const { fixtures } = await setup();
  const page = await open(fixtures);
  const message = await page.locator("#messages .notice.error").innerText();
  assert.match(message, /2 result files were skipped/);
  assert.match(message, /malformed-node-2025-11-24\.json/);
  assert.match(message, /\$\.cases\[0\]\.stats\.mean: expected a finite number, got "fast"/);
  assert.match(message, /truncated-bun-2025-11-24\.json/);
  assert.match(message, /not valid JSON/);
  assert.match(await page.locator(".summary").innerText(), /^16 result files from apps\/dashboard\/test\/fixtures/);
  await page.close();
});

test("with no result files the page says so and gives the command", { skip }, async () => {
  const { empty } = await setup();
  const page = await open(empty);
  const text = await page.locator("#app").innerText();
  assert.match(text, /No benchmark results yet/);
  assert.match(text, /npm run bench/);
  assert.equal(await page.locator("canvas").count(), 0);
  await page.screenshot({ path: join(outputDir, "dashboard-empty.png") });
  await page.close();
});

test("no console errors, page errors or failed requests on any page", { skip }, async () => {
  const { fixtures, empty } = await setup();
  for (const url of [fixtures, empty]) await (await open(url)).close();
  assert.deepEqual(problems, []);
});

