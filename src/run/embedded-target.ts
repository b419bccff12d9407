// With no --target, the run starts the reference implementation on a free loopback port with
// two identities of its own: the zero-configuration first experience, and it must pass.
import { randomBytes } from 'node:crypto';
import { startReferenceServer, type ReferenceServer } from '../reference/server.js';

export interface EmbeddedTarget {
  server: ReferenceServer;
  ownerToken: string;
  otherToken: string;
}

export async function startEmbeddedTarget(): Promise<EmbeddedTarget> {
  const ownerToken = `patc-owner-${randomBytes(24).toString('base64url')}`;
  const otherToken = `patc-other-${randomBytes(24).toString('base64url')}`;
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, users: [ownerToken, otherToken] });
  return { server, ownerToken, otherToken };
}
