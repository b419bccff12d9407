// ListAccessTokens: POST /v1/accessTokens -> 200 {items, nextToken?}, the caller's tokens only.
import { member, readJsonObject } from '../body.js';
import { writeError } from '../errors.js';
import { referenceLimits } from '../limits.js';
import type { LastPageToken } from '../options.js';
import { writeJson } from '../responses.js';
import type { RequestContext } from '../state.js';
import { writeBodyError } from './common.js';

const { min: minMaxResults, max: maxMaxResults } = referenceLimits.maxResults;

export async function listAccessTokens({ req, res, state, identity }: RequestContext): Promise<void> {
  const body = await readJsonObject(req);
  if (!body.ok) return writeBodyError(res, state, body);

  const maxResults = member(body.value, 'maxResults');
  if (
    maxResults !== undefined &&
    (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < minMaxResults || maxResults > maxMaxResults)
  ) {
    return writeError(res, state.options, 'ValidationException', `maxResults must be an integer from ${minMaxResults} to ${maxMaxResults}`);
  }
  const nextToken = member(body.value, 'nextToken');
  if (nextToken !== undefined && typeof nextToken !== 'string') {
    return writeError(res, state.options, 'ValidationException', 'nextToken must be a string');
  }

  let afterSeq = 0;
  const ignoreToken = state.fault('list-ignores-next-token') || state.fault('list-hides-last-page');
  if (nextToken !== undefined && !ignoreToken) {
    const decoded = state.pageTokens.decode(nextToken, identity.key);
    if (!decoded.ok) return writeError(res, state.options, 'ValidationException', decoded.reason);
    afterSeq = decoded.afterSeq;
  }

  const asked = state.fault('list-ignores-max-results') ? undefined : maxResults;
  const limit = Math.min(state.options.pageSize, asked ?? maxMaxResults);
  const page = state.store.page(identity.key, afterSeq, limit);
  const last = page.items.at(-1);
  const more = page.more && last !== undefined && !state.fault('list-hides-last-page');
  writeJson(res, 200, {
    items: page.items.map((t) => ({ id: t.id, name: t.name, expiresTime: t.expiresTime })),
    ...(more ? { nextToken: state.pageTokens.encode(identity.key, last.seq) } : lastPageMarker[state.options.lastPageToken]),
  });
}

/**
 * What the last page says about nextToken. Services differ here and all three end pagination
 * for the SDK's paginator, which stops on any falsy token; a client that tests `!== undefined`
 * loops on the other two.
 */
const lastPageMarker: Record<LastPageToken, { nextToken?: null | '' }> = {
  absent: {},
  null: { nextToken: null },
  empty: { nextToken: '' },
};
