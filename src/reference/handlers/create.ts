// CreateAccessToken: PUT /v1/accessTokens -> 201 {secret, name, expiresTime, accessTokenId}.
import { readJsonObject, member } from '../body.js';
import { writeError } from '../errors.js';
import { referenceLimits } from '../limits.js';
import { writeJson } from '../responses.js';
import type { ReferenceState, RequestContext } from '../state.js';
import { formatRfc3339, parseRfc3339 } from '../timestamps.js';
import { writeBodyError } from './common.js';

const oneYearMs = 365 * 24 * 3600 * 1000;
const nameLength = referenceLimits.nameLength;

/** Names are counted in code points, as Smithy's length trait counts. */
function nameFits(name: string): boolean {
  const length = [...name].length;
  return length >= nameLength.min && length <= nameLength.max;
}

export async function createAccessToken({ req, res, state, identity }: RequestContext): Promise<void> {
  const body = await readJsonObject(req);
  if (!body.ok) return writeBodyError(res, state, body);

  const name = member(body.value, 'name');
  if (typeof name !== 'string') {
    return writeError(res, state.options, 'ValidationException', 'name is required and must be a string');
  }
  if (!nameFits(name)) {
    return writeError(res, state.options, 'ValidationException', `name must be ${nameLength.min} to ${nameLength.max} characters long`);
  }

  const rawExpires = member(body.value, 'expiresTime');
  let expires: Date;
  if (rawExpires === undefined) {
    expires = new Date(Date.now() + oneYearMs);
  } else {
    const parsed = typeof rawExpires === 'string' ? parseRfc3339(rawExpires) : undefined;
    if (!parsed) {
      return writeError(
        res,
        state.options,
        'ValidationException',
        'expiresTime must be an RFC 3339 date-time such as 2030-01-02T03:04:05Z',
      );
    }
    expires = parsed;
  }

  // Name clash and quota after validation: a malformed request is a 400 whatever the caller
  // holds. The clash first: it is about this request, the quota about the account.
  if (state.options.duplicateNames === 'reject' && state.store.hasName(identity.key, name)) {
    return writeError(res, state.options, 'ConflictException', 'The name is already in use by one of your access tokens');
  }
  if (state.store.countFor(identity.key) >= state.options.maxTokens) {
    return writeError(
      res,
      state.options,
      'ServiceQuotaExceededException',
      `You already hold the maximum of ${state.options.maxTokens} access tokens`,
    );
  }

  const id = newId(state, identity.key);
  const token = state.store.add({ id, owner: identity.key, name, expiresTime: formatRfc3339(expires) });
  writeJson(res, 201, {
    secret: state.random.secret(), // handed out once and never stored: nothing can leak it later
    name: token.name,
    expiresTime: token.expiresTime,
    accessTokenId: token.id,
  });
}

/** A fresh ID in the owner's scope (under reuse-deleted-ids, its last deleted one if free). */
function newId(state: ReferenceState, owner: string): string {
  if (state.fault('reuse-deleted-ids')) {
    // What an allocator that recycles freed IDs does: the last one freed goes out first.
    const recycled = state.deletes.lastDeletedId.get(owner);
    if (recycled !== undefined && !state.store.inUse(owner, recycled)) return recycled;
  }
  const style = state.options.idStyle;
  let id = state.random.id(style, owner);
  while (state.store.inUse(owner, id)) id = state.random.id(style, owner);
  return id;
}

/**
 * throttled-create-takes-effect: what a throttled create does behind its 429. The body is read
 * after the answer went out; a valid create adds its token, and nobody is ever told its ID.
 */
export async function createDespiteThrottle({ req, state, identity }: RequestContext): Promise<void> {
  const body = await readJsonObject(req);
  if (!body.ok) return;
  const name = member(body.value, 'name');
  if (typeof name !== 'string' || !nameFits(name)) return;
  const rawExpires = member(body.value, 'expiresTime');
  const parsed = typeof rawExpires === 'string' ? parseRfc3339(rawExpires) : undefined;
  const expires = parsed ?? new Date(Date.now() + oneYearMs);
  state.store.add({ id: newId(state, identity.key), owner: identity.key, name, expiresTime: formatRfc3339(expires) });
}
