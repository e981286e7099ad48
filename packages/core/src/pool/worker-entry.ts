// Where an adapter's workers start. Installed from npm, the adapter's worker module sits
// next to it (`new URL("./worker.js", import.meta.url)`). Bundled into one file (esbuild,
// `bun build`, `deno bundle`, Vite) or compiled into one executable (`bun build --compile`,
// `deno compile`), that URL points beside the bundle, where no such module is — the way
// piscina (#252, #273, #766) and Bun's own workers (#22098) break. So each adapter also
// carries its worker module as source, bundled at build time (as workerpool embeds its
// worker), and starts workers from a `data:` URL of it when its own files are not there.

/** What an adapter tells `workerEntry` about itself. */
export interface WorkerEntrySource {
  /** The worker module beside the adapter, as the package ships it. */
  readonly file: URL;
  /** The adapter's package name, e.g. "@concurrent/node", for the error message. */
  readonly packageName: string;
  /** The same worker module bundled into one ES module (empty where it was not built in). */
  readonly embedded: string;
  /** Reads a text file, or returns undefined when it cannot (missing, no permission). */
  readText(url: URL): string | undefined;
}

/** What every adapter's worker module imports; a file without it is not one of ours. */
const RUNNER = "@concurrent/core/worker";

/**
 * The URL an adapter's workers start from: `file` while it is there and is the adapter's
 * worker module (it imports core's runner), otherwise the embedded module as a `data:`
 * URL. A `file` that is not a `file:` URL (a JSR package over https) is used as is.
 *
 * The content check, not only a check that `file` exists, decides: a bundle's folder may
 * hold a `worker.js` of the user's own, which must never be started as a pool worker.
 */
export function workerEntry(source: WorkerEntrySource): URL {
  if (source.file.protocol !== "file:" || source.readText(source.file)?.includes(RUNNER)) return source.file;
  if (source.embedded === "") {
    throw new Error(
      `${source.packageName}: the worker module ${source.file.href} is not there (was the program bundled?) ` +
        `and this build of the package embeds none; install ${source.packageName} from npm, ` +
        `or keep it out of the bundle (mark it external)`,
    );
  }
  return new URL(`${EMBEDDED_PREFIX}${toBase64(source.embedded)}`);
}

const EMBEDDED_PREFIX = "data:text/javascript;base64,";
// Deno prints such a URL shortened with "......", hence the dots.
const EMBEDDED_URL = /data:text\/javascript;base64,[A-Za-z0-9+/=.]+/g;

/**
 * `text` (an error's message or stack) with the embedded worker's data: URL — some 50 kB of
 * base64 in every stack frame and module error of a bundled program — replaced by a name.
 */
export function shortenEmbeddedUrls(text: string): string {
  return text.includes(EMBEDDED_PREFIX) ? text.replace(EMBEDDED_URL, "embedded-worker.js") : text;
}

// btoa takes Latin-1 only: encode as UTF-8 first (the source may hold any character).
function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
