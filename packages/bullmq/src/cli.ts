#!/usr/bin/env node
// concurrent-worker: one QueueWorker as a process.
//
//   npx concurrent-worker --connection redis://host:6379 --queue jobs --max-workers 4
//
// The secret is read from CONCURRENT_WORKER_SECRET (or --secret-file), not from the command
// line, where other users of the machine could read it in the process list.
import { readFileSync } from "node:fs";
import { QueueWorker } from "./worker.js";
import type { QueueWorkerOptions } from "./options.js";
import { describeConnection } from "./connection.js";

const HELP = `Usage: concurrent-worker --connection <redis-url> --queue <name> [options]

Runs tasks submitted by QueueExecutor on this machine, in a pool of worker threads.

  --connection <url>         redis://[user:password@]host[:port][/db] or rediss://… (required)
  --queue <name>             BullMQ queue name (required)
  --max-workers <n>          worker threads (default: CPU count)
  --concurrency <n>          jobs held at once (default: automatic prefetch)
  --lock-duration <ms>       job lock duration (default 30000)
  --stalled-interval <ms>    stalled-job check interval (default 30000)
  --max-stalled-count <n>    times a stalled job is put back (default 1)
  --secret-file <path>       run only jobs signed with the secret in this file
                             (or set CONCURRENT_WORKER_SECRET)
  --no-functions             refuse function-source tasks; run file: module tasks only
  --modules <prefix,...>     run only module tasks inside one of these directories
                             (file: URLs or paths, compared by real path) or URL prefixes
  --connect-timeout <ms>     give up if Redis cannot be reached (default 10000)
  --prefix <prefix>          BullMQ key prefix (default "bull")
  -h, --help                 this text
`;

function fail(message: string): never {
  process.stderr.write(`concurrent-worker: ${message}\n\n${HELP}`);
  process.exit(2);
}

function parse(argv: string[]): QueueWorkerOptions {
  const options: Partial<QueueWorkerOptions> & Record<string, unknown> = {};
  const int = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) fail(`${flag} expects a whole number, got ${value ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "-h":
      case "--help":
        process.stdout.write(HELP);
        process.exit(0);
      case "--connection":
        options.connection = value() ?? fail("--connection needs a URL");
        break;
      case "--queue":
        options.queue = value() ?? fail("--queue needs a name");
        break;
      case "--max-workers":
        options.maxWorkers = int(flag, value());
        break;
      case "--concurrency":
        options.concurrency = int(flag, value());
        break;
      case "--lock-duration":
        options.lockDuration = int(flag, value());
        break;
      case "--stalled-interval":
        options.stalledInterval = int(flag, value());
        break;
      case "--max-stalled-count":
        options.maxStalledCount = int(flag, value());
        break;
      case "--connect-timeout":
        options.connectTimeout = int(flag, value());
        break;
      case "--secret-file": {
        const file = value() ?? fail("--secret-file needs a path");
        options.secret = readFileSync(file, "utf8").trim();
        break;
      }
      case "--no-functions":
        options.allowFunctions = false;
        break;
      case "--modules":
        options.modules = (value() ?? fail("--modules needs a comma-separated list of URL prefixes")).split(",").filter(Boolean);
        break;
      case "--prefix":
        options.prefix = value() ?? fail("--prefix needs a value");
        break;
      default:
        fail(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  if (!options.connection) fail("--connection is required");
  if (!options.queue) fail("--queue is required");
  const secret = process.env["CONCURRENT_WORKER_SECRET"];
  if (options.secret === undefined && secret) options.secret = secret;
  return options as QueueWorkerOptions;
}

const options = parse(process.argv.slice(2));
if (options.secret === undefined) {
  process.stderr.write(
    "concurrent-worker: WARNING: no secret set. This worker runs any task written to the queue: " +
      "anyone who can write to this Redis can run code on this machine. Set CONCURRENT_WORKER_SECRET " +
      "(and `secret` on the QueueExecutor) so only signed jobs run.\n",
  );
}

let worker: QueueWorker;
try {
  worker = new QueueWorker(options);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
let stopping = false;
const stop = (signal: string) => {
  if (stopping) {
    process.stderr.write(`concurrent-worker: ${signal} again, exiting now\n`);
    process.exit(1);
  }
  stopping = true;
  process.stderr.write(`concurrent-worker: ${signal}: letting running tasks finish, then stopping\n`);
  void worker.close().then(() => {
    process.stdout.write("concurrent-worker: stopped\n");
    process.exit(0);
  });
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

worker.ready.then(
  () => {
    process.stdout.write(`concurrent-worker: ready, pid ${process.pid}, ${describeConnection(options.connection)} queue "${options.queue}"\n`);
  },
  async (error: unknown) => {
    process.stderr.write(`concurrent-worker: ${error instanceof Error ? error.message : String(error)}\n`);
    await worker.close();
    process.exit(1);
  },
);
