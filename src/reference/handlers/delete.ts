// DeleteAccessToken: DELETE /v1/accessTokens/{id} -> 200 with an empty body.
//
// The operation the suite exists for, so most faults live here. The conformant path is:
// decode the label, bound its length in code points, find the token (both in delete-lookup.ts),
// check the owner, remove it without yielding (atomic on Node's one thread), answer 200. Every
// `await` below is a deliberate yield: the conflict window, or a fault that needs interleaving
// to show its defect.
import { writeError } from '../errors.js';
import { referenceLimits } from '../limits.js';
import { writeEmpty, writeJson } from '../responses.js';
import { sleep, type Identity, type ReferenceState, type RequestContext } from '../state.js';
import { formatRfc3339 } from '../timestamps.js';
import type { StoredToken } from '../token-store.js';
import { lookUp, resolveId } from './delete-lookup.js';

/** race-500 treats a delete that arrives this soon after the removal as a racing loser. */
const raceMemoryMs = 1000;
/** How long global-delete-lock holds its lock: long enough for concurrent deletes to overlap. */
const globalLockMs = 20;
/** race-double-success and create-lost-in-race yield this long between reading and writing (wide enough that racers released together overlap on a loaded machine). */
const raceYieldMs = 25;
/** lost-delete-under-load drops a delete when this many other requests of its identity are in flight. */
const lostDeleteLoad = 4;

function mayDelete(state: ReferenceState, identity: Identity, owner: string): boolean {
  if (owner === identity.key || state.fault('no-owner-check')) return true;
  return identity.anonymous && state.fault('no-auth');
}

/**
 * Removes the token, and what the removal faults take with it; records what was removed for
 * race-500 and reuse-deleted-ids. Nothing more goes when the token itself is already gone.
 */
function remove(state: ReferenceState, token: StoredToken): void {
  if (state.fault('delete-not-persisted') || !state.store.remove(token)) return;
  const victims = [token];
  if (state.fault('delete-siblings')) victims.push(...state.store.ownedBy(token.owner));
  if (state.fault('delete-by-name')) victims.push(...state.store.ownedBy(token.owner).filter((t) => t.name === token.name));
  // Only per-identity IDs are shared: in global scope the token was the only one with its ID.
  if (state.fault('delete-across-identities')) victims.push(...state.store.allWithId(token.id));
  for (const victim of victims) {
    if (victim !== token && !state.store.remove(victim)) continue;
    if (state.fault('race-500')) state.deletes.recentlyRemoved.set(state.store.slotKey(victim.owner, victim.id), performance.now());
    if (state.fault('reuse-deleted-ids')) state.deletes.lastDeletedId.set(victim.owner, victim.id);
  }
}

/**
 * create-lost-in-race: the delete rewrites the owner's token set from a copy taken before a
 * yield (read, modify, yield, write), so a token the owner creates meanwhile is not in the copy
 * and is gone once it is written. The token itself goes at once, and writing the copy only
 * drops what the copy lacks (it does not bring back tokens deleted meanwhile): the lost create
 * is then the only defect, not also a double-success race or resurrected tokens.
 */
async function removeViaCopy(state: ReferenceState, token: StoredToken): Promise<void> {
  remove(state, token);
  const copy = new Set(state.store.ownedBy(token.owner).map((t) => t.seq));
  await sleep(state, raceYieldMs);
  for (const t of state.store.ownedBy(token.owner)) if (!copy.has(t.seq)) state.store.remove(t);
}

/**
 * retry-skips-owner-check: what a handler does that remembers refused deletes so that a client's
 * retry is recognised, and takes the repeat for a retry of a request it already checked.
 */
function letThroughAsRetry(state: ReferenceState, identity: Identity, token: StoredToken): boolean {
  if (!state.fault('retry-skips-owner-check')) return false;
  const attempt = `${identity.key}\n${state.store.slotKey(token.owner, token.id)}`;
  if (state.deletes.refusedOnce.has(attempt)) return true;
  state.deletes.refusedOnce.add(attempt);
  return false;
}

/**
 * id-dot-segments: what a store of one folder per token (<owner>/tokens/<id>) does when it
 * removes the folder the ID names without resolving it first: . and .. name the caller's own
 * tokens folder or the caller's folder, and every token of the caller goes with it.
 */
function isDotSegment(id: string): boolean {
  return id === '.' || id === '..';
}

function removedRecently(state: ReferenceState, slot: string): boolean {
  const now = performance.now();
  for (const [key, at] of state.deletes.recentlyRemoved) {
    if (now - at > raceMemoryMs) state.deletes.recentlyRemoved.delete(key);
  }
  return state.deletes.recentlyRemoved.has(slot);
}

function writeSuccess({ res, state }: RequestContext): void {
  if (state.fault('success-204')) return writeEmpty(res, 204);
  if (state.fault('body-on-success')) return writeJson(res, 200, { deleted: true });
  if (state.options.deleteBody === '{}') return writeJson(res, 200, {});
  writeEmpty(res, 200);
}

function writeInternal(ctx: RequestContext, message: string): void {
  writeError(ctx.res, ctx.state.options, 'InternalServerException', message);
}

export async function deleteAccessToken(ctx: RequestContext, label: string): Promise<void> {
  const { res, state, identity } = ctx;
  const resolved = resolveId(label, state);
  if (!resolved.ok) {
    if (resolved.empty) return writeSuccess(ctx); // trim-id: "deleted" nothing, and says so
    return writeError(res, state.options, 'ValidationException', resolved.message);
  }
  const { id } = resolved;
  // What a handler that hands IDs to an ASCII-only store does.
  if (state.fault('non-ascii-500') && /[^\x00-\x7f]/.test(id)) return writeInternal(ctx, 'Invalid character in key');
  // What a handler does whose guard against blank IDs was written for one character (/^\s$/):
  // longer blank IDs reach a lookup that reads the trimmed ID's first character and throws.
  if (state.fault('blank-id-500') && /^\s{2,}$/u.test(id))
    return writeInternal(ctx, "Cannot read properties of undefined (reading 'charCodeAt')");
  if (state.fault('id-dot-segments') && isDotSegment(id)) {
    for (const t of state.store.ownedBy(identity.key)) remove(state, t);
    return writeSuccess(ctx);
  }

  const token = lookUp(state, identity, id);
  if (!token) {
    if (state.fault('race-500') && removedRecently(state, state.store.slotKey(identity.key, id))) {
      return writeInternal(ctx, 'Token state is inconsistent');
    }
    if (state.fault('missing-token-200')) return writeSuccess(ctx);
    return writeError(res, state.options, 'ResourceNotFoundException', 'No access token with this ID exists');
  }

  // Ownership before the in-progress check: a stranger must not learn that a delete is running.
  // Under per-identity IDs the lookup only finds the caller's own tokens, so this always passes
  // and the wrong-owner faults here (owner-check-after-delete, refused-delete-expires,
  // retry-skips-owner-check) never act.
  if (!mayDelete(state, identity, token.owner) && !letThroughAsRetry(state, identity, token)) {
    if (state.fault('owner-check-after-delete')) remove(state, token);
    // What a handler does that "touches" the record (an update) before checking who asks.
    if (state.fault('refused-delete-expires')) state.store.setExpiresTime(token, formatRfc3339(new Date()));
    if (state.options.wrongOwnerStatus === 404) {
      return writeError(res, state.options, 'ResourceNotFoundException', 'No access token with this ID exists');
    }
    return writeError(res, state.options, 'AccessDeniedException', 'You may not delete an access token you did not create');
  }

  const slot = state.store.slotKey(token.owner, token.id);
  if (state.deletes.inProgress.has(slot)) {
    if (state.fault('race-500')) return writeInternal(ctx, 'Token state is inconsistent');
    return writeError(res, state.options, 'ConflictException', 'A delete of this access token is already in progress');
  }

  // What a write queue that sheds load silently does: acknowledged, never applied.
  if (state.fault('lost-delete-under-load') && ctx.othersInFlight >= lostDeleteLoad) return writeSuccess(ctx);

  if (state.fault('global-delete-lock')) {
    if (state.deletes.globalBusy) {
      return writeError(res, state.options, 'ConflictException', 'Another delete is in progress');
    }
    state.deletes.globalBusy = true;
    try {
      await sleep(state, globalLockMs);
      await finishDelete(ctx, token, slot);
    } finally {
      state.deletes.globalBusy = false;
    }
    return;
  }
  await finishDelete(ctx, token, slot);
}

async function finishDelete(ctx: RequestContext, token: StoredToken, slot: string): Promise<void> {
  const { state } = ctx;
  if (state.fault('race-double-success')) {
    // Check-then-act with a yield in between: every racer that passed the check "wins".
    await sleep(state, Math.max(raceYieldMs, state.options.conflictWindowMs));
    remove(state, token);
    return writeSuccess(ctx);
  }
  const window = state.options.conflictWindowMs;
  if (window > 0) {
    state.deletes.inProgress.add(slot);
    try {
      await sleep(state, window);
    } finally {
      state.deletes.inProgress.delete(slot);
    }
  }
  if (state.fault('create-lost-in-race')) await removeViaCopy(state, token);
  else remove(state, token);
  writeSuccess(ctx);
}

/** throttle-deletes-anyway: what a throttled delete does behind its 429 (owner rules still hold). */
export function deleteDespiteThrottle(state: ReferenceState, identity: Identity, label: string): void {
  const resolved = resolveId(label, state);
  if (!resolved.ok) return;
  const token = state.store.find(identity.key, resolved.id);
  if (token && mayDelete(state, identity, token.owner)) remove(state, token);
}

/** DELETE /v1/accessTokens/ (empty label) and DELETE /v1/accessTokens (no label). */
export function deleteWithoutId(ctx: RequestContext, kind: 'empty-label' | 'no-label'): void {
  const { res, state } = ctx;
  if (state.fault('missing-id-500')) return writeInternal(ctx, 'Cannot read property id of undefined');
  if (kind === 'empty-label') {
    return writeError(
      res,
      state.options,
      'ValidationException',
      `The token ID must be ${referenceLimits.idLength.min} to ${referenceLimits.idLength.max} characters long`,
    );
  }
  writeError(res, state.options, 'UnknownOperationException', 'DELETE /v1/accessTokens needs a token ID: DELETE /v1/accessTokens/{id}', {
    status: 405,
    headers: { allow: 'PUT, POST' },
  });
}
