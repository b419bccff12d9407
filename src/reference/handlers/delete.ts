// DeleteAccessToken: DELETE /v1/accessTokens/{id} -> 200 with an empty body.
//
// The operation the suite exists for, so most faults live here. The conformant path is:
// decode the label, bound its length in code points, find the token, check the owner, remove it
// without yielding (atomic on Node's one thread), answer 200. Every `await` below is a
// deliberate yield: the conflict window, or a fault that needs interleaving to show its defect.
import { writeError } from '../errors.js';
import { writeEmpty, writeJson } from '../responses.js';
import { sleep, type Identity, type ReferenceState, type RequestContext } from '../state.js';

const maxIdLength = 36;
/** race-500 treats a delete that arrives this soon after the removal as a racing loser. */
const raceMemoryMs = 1000;
/** How long global-delete-lock holds its lock: long enough for concurrent deletes to overlap. */
const globalLockMs = 20;
/** race-double-success yields this long between its existence check and the removal. */
const raceYieldMs = 5;

type IdResult = { ok: true; id: string } | { ok: false; empty: true } | { ok: false; empty: false; message: string };

/** Decodes the label and applies the length rule (and the ID faults); no side effects. */
function resolveId(label: string, state: ReferenceState): IdResult {
  let id: string;
  try {
    id = decodeURIComponent(label);
  } catch {
    return { ok: false, empty: false, message: 'The token ID is not valid percent-encoded UTF-8' };
  }
  if (state.fault('trim-id')) {
    id = id.trim();
    if (id === '') return { ok: false, empty: true };
  }
  if (state.fault('id-path-normalize')) {
    // What a handler does that rebuilds a URL or a file path from the ID.
    const cut = id.search(/[?#]/);
    if (cut >= 0) id = id.slice(0, cut);
    id = id.slice(id.lastIndexOf('/') + 1);
  }
  const codePoints = [...id];
  if (state.fault('truncate-long-id') && codePoints.length > maxIdLength) {
    id = codePoints.slice(0, maxIdLength).join('');
  }
  if (!state.fault('no-length-check')) {
    // Smithy counts code points; utf16-length counts what JavaScript's .length counts.
    const length = state.fault('utf16-length') ? id.length : [...id].length;
    if (length < 1 || length > maxIdLength) {
      return { ok: false, empty: false, message: `The token ID must be 1 to ${maxIdLength} characters long` };
    }
  }
  return { ok: true, id };
}

function mayDelete(state: ReferenceState, identity: Identity, owner: string): boolean {
  if (owner === identity.key || state.fault('no-owner-check')) return true;
  return identity.anonymous && state.fault('no-auth');
}

/** Removes the token (and, under delete-siblings, the owner's others); records it for race-500. */
function remove(state: ReferenceState, id: string): void {
  const token = state.store.get(id);
  if (!token || state.fault('delete-not-persisted')) return;
  const victims = state.fault('delete-siblings') ? state.store.ownedBy(token.owner).map((t) => t.id) : [id];
  for (const victim of victims) {
    state.store.remove(victim);
    if (state.fault('race-500')) state.deletes.recentlyRemoved.set(victim, performance.now());
  }
}

function removedRecently(state: ReferenceState, id: string): boolean {
  const now = performance.now();
  for (const [key, at] of state.deletes.recentlyRemoved) {
    if (now - at > raceMemoryMs) state.deletes.recentlyRemoved.delete(key);
  }
  return state.deletes.recentlyRemoved.has(id);
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
  let { id } = resolved;
  // What a handler that hands IDs to an ASCII-only store does.
  if (state.fault('non-ascii-500') && /[^\x00-\x7f]/.test(id)) return writeInternal(ctx, 'Invalid character in key');

  let token = state.store.get(id);
  if (!token && state.fault('id-prefix-match')) {
    // What a lookup with LIKE 'id%' or startsWith does.
    const matches = state.store.ownedBy(identity.key).filter((t) => t.id.startsWith(id));
    if (matches.length === 1) {
      token = matches[0];
      id = token!.id;
    }
  }
  if (!token) {
    if (state.fault('race-500') && removedRecently(state, id)) return writeInternal(ctx, 'Token state is inconsistent');
    if (state.fault('missing-token-200')) return writeSuccess(ctx);
    return writeError(res, state.options, 'ResourceNotFoundException', 'No access token with this ID exists');
  }

  // Ownership before the in-progress check: a stranger must not learn that a delete is running.
  if (!mayDelete(state, identity, token.owner)) {
    if (state.fault('owner-check-after-delete')) remove(state, id);
    if (state.options.wrongOwnerStatus === 404) {
      return writeError(res, state.options, 'ResourceNotFoundException', 'No access token with this ID exists');
    }
    return writeError(res, state.options, 'AccessDeniedException', 'You may not delete an access token you did not create');
  }

  if (state.deletes.inProgress.has(id)) {
    if (state.fault('race-500')) return writeInternal(ctx, 'Token state is inconsistent');
    return writeError(res, state.options, 'ConflictException', 'A delete of this access token is already in progress');
  }

  if (state.fault('global-delete-lock')) {
    if (state.deletes.globalBusy) {
      return writeError(res, state.options, 'ConflictException', 'Another delete is in progress');
    }
    state.deletes.globalBusy = true;
    try {
      await sleep(state, globalLockMs);
      await finishDelete(ctx, id);
    } finally {
      state.deletes.globalBusy = false;
    }
    return;
  }
  await finishDelete(ctx, id);
}

async function finishDelete(ctx: RequestContext, id: string): Promise<void> {
  const { state } = ctx;
  if (state.fault('race-double-success')) {
    // Check-then-act with a yield in between: every racer that passed the check "wins".
    await sleep(state, Math.max(raceYieldMs, state.options.conflictWindowMs));
    remove(state, id);
    return writeSuccess(ctx);
  }
  const window = state.options.conflictWindowMs;
  if (window > 0) {
    state.deletes.inProgress.add(id);
    try {
      await sleep(state, window);
    } finally {
      state.deletes.inProgress.delete(id);
    }
  }
  remove(state, id);
  writeSuccess(ctx);
}

/** throttle-deletes-anyway: what a throttled delete does behind its 429 (owner rules still hold). */
export function deleteDespiteThrottle(state: ReferenceState, identity: Identity, label: string): void {
  const resolved = resolveId(label, state);
  if (!resolved.ok) return;
  const token = state.store.get(resolved.id);
  if (token && mayDelete(state, identity, token.owner)) remove(state, resolved.id);
}

/** DELETE /v1/accessTokens/ (empty label) and DELETE /v1/accessTokens (no label). */
export function deleteWithoutId(ctx: RequestContext, kind: 'empty-label' | 'no-label'): void {
  const { res, state } = ctx;
  if (state.fault('missing-id-500')) return writeInternal(ctx, 'Cannot read property id of undefined');
  if (kind === 'empty-label') {
    return writeError(res, state.options, 'ValidationException', 'The token ID must be 1 to 36 characters long');
  }
  writeError(res, state.options, 'UnknownOperationException', 'DELETE /v1/accessTokens needs a token ID: DELETE /v1/accessTokens/{id}', {
    status: 405,
    headers: { allow: 'PUT, POST' },
  });
}
