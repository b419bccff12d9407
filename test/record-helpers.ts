// An AWS SDK session recorded through the recording proxy (in-process), for the tests that
// serve it back: create, delete, re-delete, list.
import {
  CodeCatalystClient,
  CreateAccessTokenCommand,
  DeleteAccessTokenCommand,
  ListAccessTokensCommand,
} from '@aws-sdk/client-codecatalyst';
import { mkdtemp, rm } from 'node:fs/promises';
import { onTestFinished } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecordingProxy } from '../src/tools/proxy.js';
import { startReferenceServer } from '../src/reference/server.js';

export const sdkBearer = 'sdk-session-bearer-0123456789abcdef';

export interface SdkOutcome {
  created: { id: string; secret: string };
  statuses: number[];
  redeleteError: string;
}

/** The session the tests replay: what the SDK sends, and what it got. */
export async function sdkSession(endpoint: string, bearer = sdkBearer): Promise<SdkOutcome> {
  const client = new CodeCatalystClient({ endpoint, region: 'us-west-2', token: { token: bearer }, maxAttempts: 1 });
  try {
    const statuses: number[] = [];
    const created = await client.send(new CreateAccessTokenCommand({ name: 'sdk token', expiresTime: new Date('2030-01-02T03:04:05Z') }));
    statuses.push(created.$metadata.httpStatusCode!);
    const deleted = await client.send(new DeleteAccessTokenCommand({ id: created.accessTokenId! }));
    statuses.push(deleted.$metadata.httpStatusCode!);
    const again = (await client.send(new DeleteAccessTokenCommand({ id: created.accessTokenId! })).catch((e: unknown) => e)) as {
      name: string;
      $metadata: { httpStatusCode: number };
    };
    statuses.push(again.$metadata.httpStatusCode);
    const listed = await client.send(new ListAccessTokensCommand({}));
    statuses.push(listed.$metadata.httpStatusCode!);
    return { created: { id: created.accessTokenId!, secret: created.secret! }, statuses, redeleteError: again.name };
  } finally {
    client.destroy();
  }
}

/** Record the SDK session against a fresh reference; returns the recording directory (removed after the test). */
export async function recordSdkSession(): Promise<{ dir: string; outcome: SdkOutcome }> {
  const parent = await mkdtemp(join(tmpdir(), 'patc-sdk-'));
  onTestFinished(() => rm(parent, { recursive: true, force: true }));
  const dir = join(parent, 'sdk-session');
  const server = await startReferenceServer({ users: [sdkBearer] });
  try {
    const proxy = await startRecordingProxy({ target: server.url, host: '127.0.0.1', port: 0, record: dir });
    const outcome = await sdkSession(proxy.url);
    await proxy.stop();
    return { dir, outcome };
  } finally {
    await server.close();
  }
}
