/**
 * `results.json`: every file of the results folder, gathered at build time by
 * `plugins/results.ts` and fetched by the page. Files are checked in the page, not here, so
 * the page can say what is wrong with each.
 */
export interface ResultsBundle {
  /** The folder read, relative to the repo root when inside it. */
  sourceDir: string;
  /** When the bundle was made, ISO 8601. */
  generatedAt: string;
  files: GatheredFile[];
}

/** One `*.json` of the folder: its parsed content, or why it could not be read. */
export type GatheredFile = { file: string; data: unknown } | { file: string; error: string };
