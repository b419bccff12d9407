// With no --target, the run starts the reference implementation on a free loopback port with
// two identities of its own: the zero-configuration first experience, and it must pass.
import { randomBytes } from 'node:crypto';
import { startReferenceServer, type ReferenceServer } from '../reference/server.js';

export const embeddedThrottling = { rate: 1000, burst: 50, retryAfter: 'none' } as const;

export interface EmbeddedTarget {
  server: ReferenceServer;
  ownerToken: string;
  otherToken: string;
}

export async function startEmbeddedTarget(): Promise<EmbeddedTarget> {
  const ownerToken = `patc-owner-${randomBytes(24).toString('base64url')}`;
  const otherToken = `patc-other-${randomBytes(24).toString('base64url')}`;
  // Throttling that a burst meets and a sequential run hardly ever waits for: a bucket of 50
  // that refills fast (1000/s) is emptied by the burst's 50 requests in flight, and a scenario's
  // own quick steps (exact-match's listings and probes) stay within it (with 20 they met 429s and
  // waited, about a third of the run); a 429 carries no Retry-After (as many AWS services), so the run backs
  // off 100 ms rather than a whole second. On a heavily loaded machine the burst can arrive
  // slowly enough to meet no 429; that is a should-level warning, never a failure.
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, users: [ownerToken, otherToken], ...embeddedThrottling });
  return { server, ownerToken, otherToken };
}
