// The schema and its validator come from @concurrent/bench-schema; the page bundles them at
// build time.
import { validateResultFile, type BenchResultFile } from "@concurrent/bench-schema";
import type { ResultsBundle } from "./bundle.js";

export interface LoadedFile {
  file: string;
  result: BenchResultFile;
}

export interface SkippedFile {
  file: string;
  errors: string[];
}

export interface Results {
  sourceDir: string;
  generatedAt: string;
  files: LoadedFile[];
  /** Files that are not valid result files: shown on the page, left out of every chart. */
  skipped: SkippedFile[];
}

/** Fetches the bundled `results.json` and keeps the files that validate. */
export async function loadResults(url = "./results.json"): Promise<Results> {
  let bundle: ResultsBundle;
  try {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bundle = (await response.json()) as ResultsBundle;
  } catch (error) {
    throw new Error(
      `Could not load ${url} (${error instanceof Error ? error.message : String(error)}). ` +
        "Open the page over HTTP (npm run dashboard), not from the file system."
    );
  }
  const results: Results = { sourceDir: bundle.sourceDir, generatedAt: bundle.generatedAt, files: [], skipped: [] };
  for (const entry of bundle.files) {
    if ("error" in entry) {
      results.skipped.push({ file: entry.file, errors: [entry.error] });
      continue;
    }
    const checked = validateResultFile(entry.data);
    if (checked.ok) results.files.push({ file: entry.file, result: checked.value });
    else results.skipped.push({ file: entry.file, errors: checked.errors });
  }
  return results;
}
