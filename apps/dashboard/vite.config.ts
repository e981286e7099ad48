import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { resultsPlugin } from "./plugins/results.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../..");

// DASHBOARD_RESULTS_DIR points the build at another folder of result files (the browser test
// uses its fixtures); relative paths are taken from the current directory.
const resultsDir = process.env["DASHBOARD_RESULTS_DIR"]
  ? resolve(process.env["DASHBOARD_RESULTS_DIR"])
  : resolve(repoRoot, "benchmarks/results");

export default defineConfig({
  root: here,
  // Relative asset URLs, so the built folder can be published under any path.
  base: "./",
  plugins: [resultsPlugin({ dir: resultsDir, repoRoot })],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 600 },
});
