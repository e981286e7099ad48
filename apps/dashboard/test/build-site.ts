import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { appDir } from "./paths.js";

const require = createRequire(import.meta.url);
const viteBin = join(dirname(require.resolve("vite/package.json")), "bin", "vite.js");

/** Runs the real `vite build` with DASHBOARD_RESULTS_DIR pointing at `resultsDir`. */
export function buildSite(resultsDir: string, outDir: string): void {
  const run = spawnSync(
    process.execPath,
    [viteBin, "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    {
      cwd: appDir,
      env: { ...process.env, DASHBOARD_RESULTS_DIR: resultsDir },
      encoding: "utf8",
    }
  );
  if (run.status !== 0)
    throw new Error(`vite build failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
}
