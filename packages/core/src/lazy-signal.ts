// A call's abort state in one field, for the two CallContexts (the async pool's AsyncTask,
// a worker's RunningCall): `undefined` until something happens, an AbortController once the
// task asks for its signal, an Aborted record if the call is aborted before it asks. So a
// call that neither reads its signal nor is aborted allocates nothing for it.

/** A call aborted before its task asked for the signal: the reason the signal will carry. */
class Aborted {
  constructor(readonly reason: unknown) {}
}

/** One field of a {@link CallContext}: see the header. */
export type LazySignal = AbortController | Aborted | undefined;

/** The state's controller, made now if the task had not asked yet (aborted if the call was). */
export function controllerOf(state: LazySignal): AbortController {
  if (state instanceof AbortController) return state;
  const controller = new AbortController();
  if (state !== undefined) controller.abort(state.reason);
  return controller;
}

/** The state once the call is aborted: the first reason wins, as AbortController's does. */
export function abortedWith(state: LazySignal, reason: unknown): LazySignal {
  if (state === undefined) return new Aborted(reason);
  if (state instanceof AbortController) state.abort(reason);
  return state;
}
