// Applying the per-identity token bucket to a request, before the request has any effect.
//
// Runs after authentication (buckets are per identity) and before routing to a handler, so a
// throttled request never reaches code that could change state; the throttle faults below are
// the deliberate exceptions.
import { writeError } from './errors.js';
import { createDespiteThrottle } from './handlers/create.js';
import { deleteDespiteThrottle } from './handlers/delete.js';
import type { Route } from './routes.js';
import type { RequestContext } from './state.js';

/** Answers the request if it is throttled; true when it did. */
export function answerIfThrottled(ctx: RequestContext, route: Route): boolean {
  const { req, res, state, identity } = ctx;
  let retryAfterSeconds: number;
  const deleteStuck = state.fault('deletes-stay-throttled') && route.kind === 'delete' && state.throttledForever.has(identity.key);
  if ((state.fault('no-recovery') && state.throttledForever.has(identity.key)) || deleteStuck) {
    retryAfterSeconds = 1;
  } else {
    const busy = state.options.rate > 0 && state.options.maxInFlight > 0 && ctx.othersInFlight >= state.options.maxInFlight;
    const taken = busy ? { allowed: false as const, retryAfterSeconds: 1 } : state.buckets.take(identity.key);
    if (taken.allowed) return false;
    retryAfterSeconds = taken.retryAfterSeconds;
    if (state.fault('no-recovery') || (state.fault('deletes-stay-throttled') && route.kind === 'delete'))
      state.throttledForever.add(identity.key);
  }

  if (state.fault('throttle-deletes-anyway') && route.kind === 'delete') {
    deleteDespiteThrottle(state, identity, route.label);
  }
  if (state.fault('throttled-create-takes-effect') && route.kind === 'create') {
    createDespiteThrottle(ctx).catch(() => {});
  }
  if (state.fault('burst-drop-connection')) {
    req.socket.destroy();
    return true;
  }
  const headers: Record<string, string> = state.options.retryAfter === 'none' ? {} : { 'retry-after': String(retryAfterSeconds) };
  if (state.fault('burst-503')) {
    writeError(res, state.options, 'ServiceUnavailableException', 'Service unavailable', { headers });
  } else {
    writeError(res, state.options, 'ThrottlingException', 'Rate exceeded', { headers });
  }
  return true;
}
