// Redis clients, made here rather than by BullMQ: BullMQ 6 loaded as ESM cannot build an
// ioredis client from plain options (it would need `require`), so every Queue, Worker and
// QueueEvents gets an ioredis instance from `connect()`.
//
// BullMQ needs `maxRetriesPerRequest: null` on blocking clients, which makes ioredis queue
// commands and retry forever while Redis is away. `Watchdog` bounds that: once a client has
// not been ready for `connectTimeout` ms it reports a clear error, and the executor fails
// the futures that wait on it instead of hanging.
import { Redis, type RedisOptions } from "ioredis";
import { FuturesError } from "@concurrent/core";
import { registerErrorClass } from "@concurrent/core/kit";

/** A `redis://` / `rediss://` URL, or ioredis options (which may carry a `url`). */
export type Connection = string | (RedisOptions & { url?: string });

/** `connection` as given, checked: a malformed URL is a TypeError here, not a hang later. */
export function checkConnection(connection: unknown, where: string): Connection {
  if (typeof connection === "string") {
    checkUrl(connection, where);
    return connection;
  }
  if (connection !== null && typeof connection === "object" && !Array.isArray(connection)) {
    const url = (connection as { url?: unknown }).url;
    if (url !== undefined) {
      if (typeof url !== "string") throw new TypeError(`${where}: connection.url must be a string`);
      checkUrl(url, where);
    }
    return connection as Connection;
  }
  throw new TypeError(
    `${where}: connection must be a redis:// or rediss:// URL or an ioredis options object, got ${connection === null ? "null" : typeof connection}`,
  );
}

function checkUrl(url: string, where: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${where}: connection ${JSON.stringify(redact(url))} is not a URL; expected redis://[user:password@]host[:port][/db] or rediss://…`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new TypeError(`${where}: connection URL must start with redis:// or rediss://, got ${JSON.stringify(parsed.protocol + "//")}`);
  }
  if (!parsed.hostname) throw new TypeError(`${where}: connection URL ${JSON.stringify(redact(url))} has no host`);
}

/** The URL with its password replaced by `***`, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  }
}

/** Where `connection` points, for messages (no password). */
export function describeConnection(connection: Connection): string {
  if (typeof connection === "string") return redact(connection);
  if (connection.url) return redact(connection.url);
  if (connection.path) return connection.path;
  return `${connection.tls ? "rediss" : "redis"}://${connection.host ?? "127.0.0.1"}:${connection.port ?? 6379}`;
}

/** A new ioredis client for `connection`, as BullMQ wants it (`maxRetriesPerRequest: null`). */
export function connect(connection: Connection, name: string): Redis {
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    connectionName: name,
    // Back off to at most 2 s between attempts: a restarted Redis is found again quickly.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    // After disconnect(), ioredis waits this long for a socket 'close' that never comes when
    // the socket was already gone (default 2000 ms, a timer that holds the process).
    disconnectTimeout: 200,
  };
  // `as never`: ioredis' option types do not survive exactOptionalPropertyTypes.
  let client: Redis;
  if (typeof connection === "string") client = new Redis(connection, common as never);
  else {
    const { url, ...rest } = connection;
    const options = { ...rest, ...common } as never;
    client = url === undefined ? new Redis(options) : new Redis(url, options);
  }
  return track(client);
}

// BullMQ duplicates the client it is given for its blocking reads (Worker, QueueEvents):
// those copies are not ours, yet they retry a lost Redis for ever, and one that is left
// reconnecting keeps the process alive after shutdown. So every duplicate is recorded and
// `drop` closes it with its parent.
const duplicates = new WeakMap<Redis, Redis[]>();

function track(client: Redis): Redis {
  // ioredis prints "Unhandled error event" for every failed attempt without a listener;
  // errors reach users through the watchdog instead.
  client.on("error", () => {});
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<Redis["duplicate"]>) => {
    const copy = track(duplicate(...args));
    let list = duplicates.get(client);
    if (list === undefined) duplicates.set(client, (list = []));
    list.push(copy);
    return copy;
  }) as Redis["duplicate"];
  return client;
}

/**
 * Close `client` now, failing whatever it still has queued. ioredis' `disconnect()` on a
 * client that is between reconnect attempts clears the timer but never fails the commands
 * it holds for resending (its offline queue, and `prevCommandQueue`: what was in flight
 * when the socket died), so a BullMQ blocking read waiting there keeps its own 11 s
 * watchdog timer — and the process — alive.
 */
export function drop(client: Redis): void {
  for (const copy of duplicates.get(client) ?? []) drop(copy);
  // A reconnect already under way (or a BullMQ close that calls connect() later) must not
  // start the retry loop again.
  (client.options as RedisOptions).retryStrategy = () => null;
  client.disconnect();
  const error = new Error("Connection is closed.");
  const c = client as unknown as {
    flushQueue?: (error: Error) => void;
    prevCommandQueue?: { length: number; shift(): { command?: { reject?: (e: Error) => void } } | undefined } | null;
  };
  try {
    c.flushQueue?.(error);
    const prev = c.prevCommandQueue;
    while (prev && prev.length > 0) prev.shift()?.command?.reject?.(error);
    c.prevCommandQueue = null;
  } catch {
    // ioredis internals moved: the watchdog timers end by themselves, later
  }
}

/**
 * Watches clients and calls `onDown(error)` once they have been unready for `timeout` ms
 * (at the start, or after a lost connection), and `onUp()` when all are ready again.
 */
export class Watchdog {
  #clients: Redis[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastError: unknown;
  #down: Error | undefined;
  #closed = false;

  constructor(
    private readonly timeout: number,
    private readonly where: string,
    private readonly onDown: (error: Error) => void,
    private readonly onUp: () => void = () => {},
  ) {}

  /** The error while Redis has been unreachable for longer than the timeout, else undefined. */
  get down(): Error | undefined {
    return this.#down;
  }

  watch(client: Redis): void {
    this.#clients.push(client);
    client.on("error", (error: unknown) => (this.#lastError = error));
    client.on("ready", () => this.#check());
    client.on("close", () => this.#check());
    client.on("end", () => this.#check());
    client.on("reconnecting", () => this.#check());
    this.#check();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    if (this.#closed) return;
    const ready = this.#clients.every((c) => c.status === "ready");
    if (ready) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#down) {
        this.#down = undefined;
        this.onUp();
      }
      return;
    }
    if (this.#timer || this.#down) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed || this.#clients.every((c) => c.status === "ready")) return;
      const cause = this.#lastError;
      const detail = cause instanceof Error ? `: ${cause.message}` : "";
      this.#down = new RedisConnectionError(`${this.where}: could not reach Redis within ${this.timeout} ms${detail}`, { cause });
      this.onDown(this.#down);
    }, this.timeout);
    // The watchdog alone must not keep a process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }
}

/** Redis could not be reached (or was lost) for longer than `connectTimeout`. */
export class RedisConnectionError extends FuturesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "ERR_REDIS_CONNECTION" });
  }
}
registerErrorClass(RedisConnectionError);
