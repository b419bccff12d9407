// The reference's per-identity in-flight limit: what makes "a burst at concurrency 50 is partly
// throttled, sequential use is not" hold on a fast machine and a loaded one alike.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withReference } from './helpers/cli.js';

/**
 * The burst comes from another process, as a client's does: in the server's own process the
 * client would take the server's turns of the event loop and no two requests would overlap.
 */
const burstScript = `
const { Pool } = require('undici');
const [url, count, concurrency] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const pool = new Pool(url, { connections: concurrency });
const statuses = [];
let next = 0;
const worker = async () => {
  while (next < count) {
    next++;
    const res = await pool.request({ path: '/v1/accessTokens', method: 'POST', headers: { authorization: 'Bearer in-flight-user', 'content-type': 'application/json' }, body: '{}' });
    await res.body.dump();
    statuses.push(res.statusCode);
  }
};
Promise.all(Array.from({ length: concurrency }, worker)).then(() => { console.log(JSON.stringify(statuses)); return pool.close(); });
`;

function burst(url: string, count: number, concurrency: number): Promise<number[]> {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', burstScript, url, String(count), String(concurrency)], { cwd }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as number[]),
    ),
  );
}

describe('in-flight limit', () => {
  // The bucket is taken out of the way so that only the in-flight limit can throttle.
  const noBucket = { rate: 1e6, burst: 1e6 };

  it('throttles part of a burst at concurrency 50', async () => {
    await withReference({ ...noBucket, maxInFlight: 16 }, async (server) => {
      const statuses = await burst(server.url, 200, 50);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    });
  });

  it('never throttles a sequential client', async () => {
    await withReference({ ...noBucket, maxInFlight: 16 }, async (server) => {
      expect(new Set(await burst(server.url, 200, 1))).toEqual(new Set([200]));
    });
  });

  it('is off with --max-in-flight 0', async () => {
    await withReference({ ...noBucket, maxInFlight: 0 }, async (server) => {
      expect(new Set(await burst(server.url, 200, 50))).toEqual(new Set([200]));
    });
  });
});
