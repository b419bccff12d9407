// The library's nock replay: a recorded AWS SDK session answers the SDK in-process (node:http),
// with no server at all.
import { describe, expect, it } from 'vitest';
import { replayWithNock } from '../src/index.js';
import { recordSdkSession, sdkSession } from './record-helpers.js';

describe('replayWithNock', () => {
  it('answers the SDK in-process from the recording; done() holds it to the whole session', async () => {
    const { dir, outcome } = await recordSdkSession();
    const replay = await replayWithNock(dir, { origin: 'https://codecatalyst.example.test' });
    try {
      const replayed = await sdkSession(replay.origin, 'whatever-bearer-the-test-uses');
      expect(replayed.statuses).toEqual([201, 200, 404, 200]);
      expect(replayed.created.id).toBe(outcome.created.id);
      expect(replayed.redeleteError).toBe('ResourceNotFoundException');
      expect(replay.pending()).toEqual([]);
      expect(() => replay.done()).not.toThrow();
      // A request the recording does not hold: a 501 miss, and done() names it.
      const res = await fetch(`${replay.origin}/v1/accessTokens/not-recorded`, { method: 'DELETE' });
      expect(res.status).toBe(501);
      expect(replay.misses()).toEqual([{ method: 'DELETE', path: '/v1/accessTokens/not-recorded' }]);
      expect(() => replay.done()).toThrow(/not in the recording: DELETE \/v1\/accessTokens\/not-recorded/);
    } finally {
      replay.stop();
    }
  });

  it('a session cut short leaves recorded exchanges pending', async () => {
    const { dir } = await recordSdkSession();
    const replay = await replayWithNock(dir, { origin: 'https://codecatalyst.example.test' });
    try {
      const res = await fetch(`${replay.origin}/v1/accessTokens`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ expiresTime: '2030-01-02T03:04:05Z', name: 'sdk token' }),
      });
      expect(res.status).toBe(201);
      expect(replay.pending()).toHaveLength(3);
      expect(() => replay.done()).toThrow(/recorded but never asked for: DELETE/);
    } finally {
      replay.stop();
    }
  });
});
