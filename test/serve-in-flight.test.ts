// The reference's per-identity in-flight limit: what makes "a burst at concurrency 50 is partly
// throttled, sequential use is not" hold on a fast machine and a loaded one alike.
//
// No test here hopes that requests overlap: the requests that must be in flight together are
// held open (holdRequest: the head is sent with `expect: 100-continue`, the body only on
// release), so the server is certainly working on all of them when the next one arrives.
import { describe, expect, it } from 'vitest';
import { withReference } from './helpers/cli.js';
import { alice, bob, errortype, holdRequest, raw, type WireRequest } from './helpers/reference.js';

/** A ListAccessTokens request: authenticated, throttled, and it reads a body (which can be held back). */
const list = (bearer: string): WireRequest => ({ method: 'POST', path: '/v1/accessTokens', bearer, body: '{}' });

/** `count` requests of one identity, all in flight at once, none answered until released. */
async function holdMany(server: Parameters<typeof holdRequest>[0], bearer: string, count: number) {
  const held: Array<Awaited<ReturnType<typeof holdRequest>>> = [];
  for (let i = 0; i < count; i++) held.push(await holdRequest(server, list(bearer)));
  return { releaseAll: () => Promise.all(held.map((h) => h.release())) };
}

describe('in-flight limit', () => {
  // The bucket is taken out of the way so that only the in-flight limit can throttle.
  const noBucket = { rate: 1e6, burst: 1e6 };

  it('with 16 requests of one identity in flight, the 17th answers 429; once they finish, the next is served', async () => {
    await withReference({ ...noBucket, maxInFlight: 16 }, async (server) => {
      const held = await holdMany(server, alice, 16);
      const seventeenth = await raw(server, 'POST', '/v1/accessTokens', { bearer: alice, body: '{}' });
      expect([seventeenth.status, errortype(seventeenth)]).toEqual([429, 'ThrottlingException']);
      expect(seventeenth.headers['retry-after']).toBe('1');
      // The limit is per identity: another caller is not throttled by alice's requests.
      expect((await raw(server, 'POST', '/v1/accessTokens', { bearer: bob, body: '{}' })).status).toBe(200);
      // Every held request was let in (none of the 16 was throttled) and completes.
      expect((await held.releaseAll()).map((r) => r.status)).toEqual(Array(16).fill(200));
      expect((await raw(server, 'POST', '/v1/accessTokens', { bearer: alice, body: '{}' })).status).toBe(200);
    });
  });

  it('never throttles a sequential client', async () => {
    await withReference({ ...noBucket, maxInFlight: 16 }, async (server) => {
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await raw(server, 'POST', '/v1/accessTokens', { bearer: alice, body: '{}' })).status);
      expect(new Set(statuses)).toEqual(new Set([200]));
    });
  });

  it('is off with --max-in-flight 0: 50 requests in flight, the 51st is still served', async () => {
    await withReference({ ...noBucket, maxInFlight: 0 }, async (server) => {
      const held = await holdMany(server, alice, 50);
      expect((await raw(server, 'POST', '/v1/accessTokens', { bearer: alice, body: '{}' })).status).toBe(200);
      expect(new Set((await held.releaseAll()).map((r) => r.status))).toEqual(new Set([200]));
    });
  });
});
