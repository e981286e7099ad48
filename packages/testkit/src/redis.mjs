// A real redis-server for tests, as BullMQ's own suite uses one (it expects a server on
// localhost:6379, started by docker-compose or CI). Ours starts its own on a free loopback
// port, with persistence off, and stops it by PID, so `npm test` needs nothing running.
//
//   const redis = await startRedis();   // { url, port, pid, stop() }
//   ...
//   await redis.stop();
//
// REDIS_URL points the tests at an existing server instead (stop() then does nothing).
// When redis-server is not installed: as root with apt-get, install Debian's package
// (printing what it does); otherwise fail with a message that says how. Never skip.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, connect } from "node:net";
import { delimiter, join } from "node:path";

const INSTALL_HELP =
  "redis-server is not installed. Install it with `sudo apt-get install -y redis-server` (Debian/Ubuntu), " +
  "`brew install redis` (macOS) or `dnf install redis` (Fedora), or set REDIS_URL=redis://host:port " +
  "to use a server that is already running.";

function onPath(name) {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin"]) {
    if (!dir) continue;
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

let installing;

// Servers still running when the test process exits are killed with it, whatever the
// tests did: a failed test must not leave a redis-server behind.
const running = new Set();
process.once("exit", () => {
  for (const pid of running) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
});

/** The path of redis-server, installing Debian's package first when we can. */
export async function findRedisServer() {
  const found = onPath("redis-server");
  if (found) return found;
  const aptGet = onPath("apt-get");
  if (!isRoot() || !aptGet) throw new Error(INSTALL_HELP);
  // Several test files may ask at once; install once.
  installing ??= (async () => {
    const run = (args) => {
      process.stderr.write(`[testkit/redis] redis-server not found; running: ${aptGet} ${args.join(" ")}\n`);
      const result = spawnSync(aptGet, args, {
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
      if (result.status !== 0) {
        throw new Error(`\`apt-get ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}). ${INSTALL_HELP}`);
      }
    };
    run(["update"]);
    run(["install", "-y", "--no-install-recommends", "redis-server"]);
  })();
  await installing;
  const installed = onPath("redis-server");
  if (!installed) throw new Error(`apt-get installed redis-server but it is not on the PATH. ${INSTALL_HELP}`);
  return installed;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(address.port));
    });
  });
}

/** Send PING over a raw socket; resolve true on +PONG (or an auth error: it is up). */
function ping(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let answer = "";
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on("error", () => done(false));
    socket.on("data", (data) => {
      answer += data.toString();
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"));
    });
    socket.on("connect", () => socket.write("PING\r\n"));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a redis-server on a free loopback port and wait until it answers PING.
 * @param {{ args?: string[], timeout?: number }} [options] extra redis-server arguments
 *   (e.g. `["--requirepass", "pw"]`); how long to wait for it to come up (ms, default 15000).
 * @returns {Promise<{ url: string, host: string, port: number, pid: number | undefined, external: boolean, stop(): Promise<void> }>}
 */
export async function startRedis(options = {}) {
  if (process.env.REDIS_URL && !options.args) {
    const url = process.env.REDIS_URL;
    const parsed = new URL(url);
    return { url, host: parsed.hostname, port: Number(parsed.port || 6379), pid: undefined, external: true, stop: async () => {} };
  }
  const bin = await findRedisServer();
  const timeout = options.timeout ?? 15000;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      bin,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...(options.args ?? [])],
      { stdio: ["ignore", "ignore", "pipe"], detached: false },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let exited = false;
    child.once("exit", () => (exited = true));
    child.once("error", () => (exited = true));
    const deadline = Date.now() + timeout;
    let up = false;
    while (!exited && Date.now() < deadline) {
      if (await ping(port)) {
        up = true;
        break;
      }
      await sleep(25);
    }
    if (up) {
      // Neither the server nor our pipe to it may keep the test process alive.
      child.unref();
      child.stderr.destroy();
      const pid = child.pid;
      running.add(pid);
      return {
        url: `redis://127.0.0.1:${port}`,
        host: "127.0.0.1",
        port,
        pid,
        external: false,
        stop: () => stopPid(pid, child),
      };
    }
    try {
      child.kill("SIGKILL");
    } catch {}
    // Another process may have taken the port between freePort() and listen: try again.
    if (attempt < 3 && /Address already in use/i.test(stderr)) continue;
    throw new Error(`redis-server did not answer PING on port ${port} within ${timeout} ms: ${stderr.trim() || "(no output)"}`);
  }
}

async function stopPid(pid, child) {
  if (pid === undefined) return;
  running.delete(pid);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return child.exitCode === null && child.signalCode === null;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 100 && alive(); i++) await sleep(20);
  if (alive()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}
