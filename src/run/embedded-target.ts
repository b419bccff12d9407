// With no --target, the run starts the reference implementation on a free loopback port with
// two identities of its own: the zero-configuration first experience, and it must pass.
import { randomBytes } from 'node:crypto';
import { startReferenceServer, type ReferenceServer } from '../reference/server.js';

export const embeddedThrottling = { rate: 1000, burst: 20, retryAfter: 'none' } as const;

export interface EmbeddedTarget {
  server: ReferenceServer;
  ownerToken: string;
  otherToken: string;
}

export async function startEmbeddedTarget(): Promise<EmbeddedTarget> {
  const ownerToken = `patc-owner-${randomBytes(24).toString('base64url')}`;
  const otherToken = `patc-other-${randomBytes(24).toString('base64url')}`;
  // Throttling that a burst meets and a sequential run never waits long for: a small bucket (20)
  // that refills fast (1000/s) is emptied by 50 requests sent at once, and is full again for the
  // next sequential step; a 429 carries no Retry-After (as many AWS services), so the run backs
  // off 100 ms rather than a whole second. On a heavily loaded machine the burst can arrive
  // slowly enough to meet no 429; that is a should-level warning, never a failure.
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, users: [ownerToken, otherToken], ...embeddedThrottling });
  return { server, ownerToken, otherToken };
}
