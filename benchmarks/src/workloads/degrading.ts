/**
 * The downstream of the seed's trap, as a latency model: up to `capacity` requests in flight
 * it answers at `baseMs`; past it, latency grows exponentially with the overload
 * (`baseMs · e^(steepness · (n − C) / C)`), and far past it the server stalls: each request
 * takes `stallMs`, as a service that has fallen over and answers only by timing out.
 */
export interface DegradingModel {
  capacity: number;
  baseMs: number;
  stallMs: number;
  /** How steep the climb past C is. @default 4 (2·C in flight ⇒ 55× the base latency) */
  steepness?: number;
}

/** The latency of a request that arrives with `inFlight` requests in flight, itself included. */
export function degradedLatency(model: DegradingModel, inFlight: number): number {
  if (inFlight <= model.capacity) return model.baseMs;
  const over = (inFlight - model.capacity) / model.capacity;
  return Math.min(model.stallMs, model.baseMs * Math.exp((model.steepness ?? 4) * over));
}
