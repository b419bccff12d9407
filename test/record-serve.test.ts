// `serve --replay DIR`: a recorded AWS SDK session served back to the SDK by the real CLI, with
// identical requests answered in recorded order and anything else a loud miss.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs, startListeningCli } from './helpers/cli.js';
import { recordSdkSession, sdkSession } from './record-helpers.js';

const tempDir = tempDirs();

function startServe(args: string[]): ReturnType<typeof startListeningCli> {
  return startListeningCli(['serve', '--port', '0', ...args]);
}

describe('serve --replay', () => {
  it('answers the SDK from the recording, identical requests in recorded order; a request not recorded is a 501 miss', async () => {
    const { dir, outcome } = await recordSdkSession();
    expect(outcome.statuses).toEqual([201, 200, 404, 200]);
    const serve = await startServe(['--replay', dir]);
    // The same session, from the recording: same ID, the secret as its placeholder.
    const replayed = await sdkSession(serve.url, 'any-bearer-at-all');
    expect(replayed.statuses).toEqual([201, 200, 404, 200]);
    expect(replayed.created.id).toBe(outcome.created.id);
    expect(replayed.created.secret).toBe('<token-secret>');
    expect(replayed.redeleteError).toBe('ResourceNotFoundException');
    // Recorded answers are used up: the same session again misses, loudly.
    const miss = await fetch(`${serve.url}/v1/accessTokens/${outcome.created.id}`, { method: 'DELETE' });
    expect(miss.status).toBe(501);
    expect(miss.headers.get('x-amzn-errortype')).toBe('PatConformanceReplayMiss');
    expect(((await miss.json()) as { message: string }).message).toContain(`DELETE /v1/accessTokens/${outcome.created.id}`);
    const stopped = await serve.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/served 4 of 4 recorded answers; 1 requests were not in the recording/);
    expect(stopped.stderr).toMatch(/DELETE \/v1\/accessTokens\/\S+ 501 MISS/);
  });

  it('serves a run recording too, and refuses a missing recording or --fault (exit 2)', async () => {
    const serve = await startServe(['--replay', join(process.cwd(), 'recordings', 'reference-conformant'), '--quiet']);
    const listed = await fetch(`${serve.url}/v1/accessTokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"maxResults":1}',
    });
    expect(listed.status).toBe(200);
    expect((await serve.stop()).code).toBe(0);
    const missing = await runCli(['serve', '--replay', join(await tempDir(), 'none')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not found/);
    const fault = await runCli(['serve', '--replay', join(process.cwd(), 'recordings', 'reference-conformant'), '--fault', 'success-204']);
    expect(fault.code).toBe(2);
    expect(fault.stderr).toMatch(/--fault does not apply to --replay/);
  });
});
