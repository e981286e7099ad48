import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** apps/dashboard, found from this file whether it runs from test/ or from dist-test/. */
function findAppDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "vite.config.ts"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find apps/dashboard (no vite.config.ts above the test)");
    dir = parent;
  }
  return dir;
}

export const appDir = findAppDir();
export const fixturesDir = join(appDir, "test", "fixtures");
export const outputDir = join(appDir, "test-output");
