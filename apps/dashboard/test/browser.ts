// What the browser tests share: Debian's Chromium through playwright-core, a page opened on a
// built site with its console problems collected, and the dashboard's test hook.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

// DASHBOARD_CHROMIUM overrides the browser (pointing it at a missing file shows the skip).
export const CHROMIUM = process.env["DASHBOARD_CHROMIUM"] ?? "/usr/bin/chromium";
export const skip = existsSync(CHROMIUM)
  ? false
  : `browser test skipped: ${CHROMIUM} not found (install Chromium with: apt-get install -y chromium)`;

/** What `window.dashboard.charts()` returns for each chart. */
export interface Summary {
  id: string;
  type: string;
  canvasId: string;
  legend: string[];
  axisTitles: Record<string, string>;
  datasets: { label: string; data: unknown[] }[];
}
export interface Hook {
  ready: boolean;
  charts: () => Summary[];
  state?: { runtime: string };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Opens `url` and waits for the page to say it is ready; console errors, page errors and failed requests go to `problems`. */
export async function openPage(browser: Browser, url: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${url} console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${url} page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`${url} request failed: ${r.url()}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { dashboard?: Hook }).dashboard?.ready === true, null, { timeout: 60_000 });
  return page;
}

export const charts = (page: Page): Promise<Summary[]> =>
  page.evaluate(() => (window as unknown as { dashboard: Hook }).dashboard.charts());
