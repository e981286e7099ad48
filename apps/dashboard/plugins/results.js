import { readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
/** The published file name, fetched by the page next to `index.html`. */
export const BUNDLE_FILE = "results.json";
/** Reads every `*.json` directly in `dir` (sorted by name); a missing folder is an empty one. */
export function gatherResults(dir, repoRoot) {
    let names = [];
    try {
        names = readdirSync(dir, { withFileTypes: true })
            .filter((e) => e.isFile() && e.name.endsWith(".json"))
            .map((e) => e.name)
            .sort();
    }
    catch (error) {
        if (error.code !== "ENOENT")
            throw error;
    }
    const files = names.map((file) => {
        try {
            return { file, data: JSON.parse(readFileSync(join(dir, file), "utf8")) };
        }
        catch (error) {
            return { file, error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
        }
    });
    const rel = relative(repoRoot, dir);
    return {
        sourceDir: rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : dir,
        generatedAt: new Date().toISOString(),
        files,
    };
}
/**
 * Bundles the results folder into `results.json`: emitted into the build (so the static page
 * works when published as is) and served fresh on each request by `vite dev`.
 */
export function resultsPlugin(options) {
    const dir = resolve(options.dir);
    const bundle = () => JSON.stringify(gatherResults(dir, options.repoRoot));
    return {
        name: "concurrent-results",
        configureServer(server) {
            server.middlewares.use(`/${BUNDLE_FILE}`, (_req, res) => {
                res.setHeader("content-type", "application/json");
                res.end(bundle());
            });
        },
        generateBundle() {
            const source = bundle();
            this.emitFile({ type: "asset", fileName: BUNDLE_FILE, source });
            const count = JSON.parse(source).files.length;
            this.info(`${BUNDLE_FILE}: ${count} result file${count === 1 ? "" : "s"} from ${dir}`);
        },
    };
}
//# sourceMappingURL=results.js.map