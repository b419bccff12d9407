// Identity from `Authorization: Bearer <token>`, and nothing else.
//
// The bearer is a credential: it is hashed at once and only the hash (as owner key) and a short
// derived name (for logs and VerifySession) leave this module.
import { createHash } from 'node:crypto';
import type { Identity, ReferenceState } from './state.js';

export type AuthResult = { ok: true; identity: Identity } | { ok: false; message: string };

const anonymous: Identity = Object.freeze({ key: 'anonymous', name: 'anonymous', anonymous: true });

export function authenticate(header: string | undefined, state: ReferenceState): AuthResult {
  const result = check(header, state);
  // no-auth: whatever was wrong with the credentials, serve the request anyway.
  if (!result.ok && state.fault('no-auth')) return { ok: true, identity: anonymous };
  return result;
}

function check(header: string | undefined, state: ReferenceState): AuthResult {
  if (header === undefined || header.trim() === '') {
    return { ok: false, message: 'Missing Authorization header: send Authorization: Bearer <token>' };
  }
  // The scheme is case-insensitive (RFC 9110); anything but Bearer is not ours.
  // scheme-ignored: what a handler does that takes whatever follows the first space as the token.
  const scheme = state.fault('scheme-ignored') ? /^\s*\S+(?:[ \t]+(.*))?$/ : /^\s*bearer(?:[ \t]+(.*))?$/i;
  const match = scheme.exec(header);
  if (!match) return { ok: false, message: 'Unsupported authorization scheme: use Bearer' };
  let token = (match[1] ?? '').trim();
  if (token === '') return { ok: false, message: 'The bearer token is empty' };
  const users = state.options.users;
  if (users !== undefined && !users.includes(token)) {
    // unknown-bearer-first-user: what a handler does whose user lookup falls back to a default
    // user (the first configured one, as in development) instead of refusing.
    if (!state.fault('unknown-bearer-first-user')) return { ok: false, message: 'The bearer token does not belong to a known user' };
    token = users[0]!;
  }
  const key = createHash('sha256').update(token).digest('hex');
  return { ok: true, identity: { key, name: `user-${key.slice(0, 8)}`, anonymous: false } };
}
