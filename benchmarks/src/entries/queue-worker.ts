// One QueueWorker process of the scaleout CPU sweep: what `concurrent-worker --max-workers 1`
// does, plus one thing the sweep needs: it exits when its parent goes away (stdin closes), so
// a benchmark killed mid-run leaves no worker behind retrying a Redis that is gone.
//
//   <runtime> scaleout-worker.js <redis-url> <queue>
import { QueueWorker } from "@concurrent/bullmq";

const [connection, queue] = process.argv.slice(2);
if (!connection || !queue) {
  process.stderr.write("usage: scaleout-worker.js <redis-url> <queue>\n");
  process.exit(2);
}
const worker = new QueueWorker({ connection, queue, maxWorkers: 1 });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  (setTimeout(() => process.exit(1), 5000) as { unref?: () => void }).unref?.();
  void worker.close().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
worker.ready.then(
  () => process.stdout.write(`ready ${process.pid}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
