// Client mistakes get the right 4xx restJson1 error, never a 5xx, and never take the server down:
// after every group the same server still answers VerifySession.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReferenceServer } from '../src/reference/server.js';
import { alice, bob, createToken, errortype, listAll, raw, serverPool, type RawResponse } from './helpers/reference.js';

const pool = serverPool();
let server: ReferenceServer;

async function fresh(): Promise<ReferenceServer> {
  // Throttling off: these tests send many requests back to back and are not about throttling.
  server = await pool.start({ rate: 0 });
  return server;
}

afterEach(async () => {
  // Still up and answering normally, whatever the test threw at it.
  if (server) expect((await raw(server, 'GET', '/session')).status).toBe(200);
});

function expectError(res: RawResponse, status: number, name: string): void {
  expect({ status: res.status, name: errortype(res) }).toEqual({ status, name });
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.json).toEqual({ message: expect.any(String) });
}

const create = (body: string | Buffer, headers?: Record<string, string>) =>
  raw(server, 'PUT', '/v1/accessTokens', { body, ...(headers ? { headers } : {}) });
const list = (body: string) => raw(server, 'POST', '/v1/accessTokens', { body });

describe('malformed bodies', () => {
  it('malformed JSON, non-object JSON and invalid UTF-8 are 400 ValidationException', async () => {
    await fresh();
    for (const body of ['{', '{"name":', 'not json', '[]', '[{"name":"x"}]', 'null', '42', '"name"', 'true']) {
      expectError(await create(body), 400, 'ValidationException');
      expectError(await list(body), 400, 'ValidationException');
    }
    expectError(await create(Buffer.from([0x7b, 0x22, 0x6e, 0xff, 0x22, 0x7d])), 400, 'ValidationException');
  });

  it('wrong member types and out-of-range values are 400', async () => {
    await fresh();
    for (const body of [
      {},
      { name: 7 },
      { name: null },
      { name: ['a'] },
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'ok', expiresTime: 1893553445 },
      { name: 'ok', expiresTime: 'tomorrow' },
      { name: 'ok', expiresTime: '2030-02-30T00:00:00Z' },
      { name: 'ok', expiresTime: '2030-01-02 03:04:05' },
      { name: 'ok', expiresTime: '2030-01-02T25:04:05Z' },
    ]) {
      expectError(await create(JSON.stringify(body)), 400, 'ValidationException');
    }
    for (const body of [
      { maxResults: 0 },
      { maxResults: 11 },
      { maxResults: -1 },
      { maxResults: 2.5 },
      { maxResults: '5' },
      { nextToken: 5 },
      { nextToken: {} },
    ]) {
      expectError(await list(JSON.stringify(body)), 400, 'ValidationException');
    }
    // Boundaries that are fine: 100 code points of emoji (200 UTF-16 units), offsets, maxResults 1 and 10.
    expect((await create(JSON.stringify({ name: '\u{1F511}'.repeat(100) }))).status).toBe(201);
    expect((await create(JSON.stringify({ name: 'tz', expiresTime: '2030-01-02T03:04:05.5+02:00' }))).json).toMatchObject({
      expiresTime: '2030-01-02T01:04:05Z',
    });
    expect((await list('{"maxResults":1}')).status).toBe(200);
    expect((await list('{"maxResults":10,"nextToken":null}')).status).toBe(200);
    expect((await list('')).status).toBe(200); // an empty body is an empty input structure
  });

  it('a body over 64 KiB is 413 RequestEntityTooLargeException, declared or chunked', async () => {
    await fresh();
    const big = JSON.stringify({ name: 'x', pad: 'y'.repeat(70 * 1024) });
    const declared = await create(big);
    expectError(declared, 413, 'RequestEntityTooLargeException');
    // A streamed body has no content-length: the limit applies while reading.
    const chunks = (async function* () {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(4096, 0x20);
    })();
    const { request } = await import('undici');
    const res = await request(`${server.url}/v1/accessTokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: chunks,
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException');
    await res.body.text();
    // A body just under the limit is read and judged on its content.
    expectError(await create(JSON.stringify({ pad: 'y'.repeat(60 * 1024) })), 400, 'ValidationException');
  });
});

describe('bad nextTokens', () => {
  it('garbage, tampered, other identity and empty nextTokens are 400', async () => {
    await fresh();
    for (let i = 0; i < 12; i++) await createToken(server, alice);
    const first = (await list('{"maxResults":5}')).json as { nextToken: string };
    const token = first.nextToken;
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), a: 0 })).toString('base64url');
    for (const bad of ['', 'garbage', 'a.b', `${forged}.${mac}`, `${payload}.${mac.slice(0, -2)}AA`, 'x'.repeat(5000), `${token}x`]) {
      expectError(await list(JSON.stringify({ nextToken: bad })), 400, 'ValidationException');
    }
    const stolen = await raw(server, 'POST', '/v1/accessTokens', { bearer: bob, body: JSON.stringify({ nextToken: token }) });
    expectError(stolen, 400, 'ValidationException');
    expect((stolen.json as { message: string }).message).toMatch(/another identity/);
    // A nextToken from another server instance (another key) is not ours either.
    const other = await pool.start({ rate: 0 });
    for (let i = 0; i < 6; i++) await createToken(other, alice);
    const foreign = ((await raw(other, 'POST', '/v1/accessTokens', { body: '{"maxResults":5}' })).json as { nextToken: string }).nextToken;
    expectError(await list(JSON.stringify({ nextToken: foreign })), 400, 'ValidationException');
    // The genuine one still works.
    expect((await list(JSON.stringify({ nextToken: token }))).status).toBe(200);
  });
});

describe('paths and methods', () => {
  it('paths no operation matches are 404 UnknownOperationException', async () => {
    await fresh();
    for (const path of [
      '/',
      '/v1',
      '/v1/accesstokens',
      '/v2/accessTokens',
      '/v1/accessTokens/a/b',
      '/v1/accessTokens//',
      '/session/x',
      '//v1/accessTokens',
    ]) {
      for (const method of ['GET', 'DELETE', 'POST']) {
        expectError(await raw(server, method, path), 404, 'UnknownOperationException');
      }
    }
  });

  it('known paths with the wrong method are 405 with Allow', async () => {
    await fresh();
    for (const [method, path, allow] of [
      ['GET', '/v1/accessTokens', 'PUT, POST'],
      ['PATCH', '/v1/accessTokens', 'PUT, POST'],
      ['DELETE', '/v1/accessTokens', 'PUT, POST'],
      ['GET', '/v1/accessTokens/abc', 'DELETE'],
      ['PUT', '/v1/accessTokens/abc', 'DELETE'],
      ['POST', '/session', 'GET'],
      ['DELETE', '/session', 'GET'],
    ] as const) {
      const res = await raw(server, method, path);
      expectError(res, 405, 'UnknownOperationException');
      expect(res.headers.allow).toBe(allow);
    }
  });

  it('query strings do not change routing', async () => {
    await fresh();
    const res = await raw(server, 'PUT', '/v1/accessTokens?name=ignored', { body: '{"name":"q"}' });
    expect(res.status).toBe(201);
    const id = (res.json as { accessTokenId: string }).accessTokenId;
    expect((await raw(server, 'DELETE', `/v1/accessTokens/${id}?force=true`)).status).toBe(200);
    expect(await listAll(server)).toEqual([]);
  });

  it('invalid percent-encoding in the ID is 400, and nothing is deleted', async () => {
    await fresh();
    const id = await createToken(server);
    for (const label of ['%ZZ', '%', '%4', '%FF', '%E2%82', `${id}%`, '%C0%AF']) {
      expectError(await raw(server, 'DELETE', `/v1/accessTokens/${label}`), 400, 'ValidationException');
    }
    // Encoded reserved characters are just characters of an unknown ID.
    for (const label of [`x%2F${id}`.slice(0, 36), `${id.slice(0, 30)}%3Fx`, `${id.slice(0, 30)}%23x`, '%00', '%2E%2E']) {
      expectError(await raw(server, 'DELETE', `/v1/accessTokens/${label}`), 404, 'ResourceNotFoundException');
    }
    expect(await listAll(server)).toEqual([id]);
  });

  it('malformed HTTP gets 400 from the HTTP layer and the server stays up', async () => {
    await fresh();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, server.host, () => socket.write('NOT-HTTP \u0000\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('secrets never leak', () => {
  it('the bearer appears in no response and no log line', async () => {
    const lines: string[] = [];
    server = await pool.start({ rate: 0, log: (line) => lines.push(line) });
    const id = await createToken(server, alice);
    const responses = [
      await raw(server, 'GET', '/session'),
      await raw(server, 'DELETE', `/v1/accessTokens/${id}`, { bearer: bob }),
      await raw(server, 'DELETE', `/v1/accessTokens/${id}`),
      await raw(server, 'DELETE', `/v1/accessTokens/${'z'.repeat(300)}`),
    ];
    for (const r of responses) expect(JSON.stringify([r.headers, r.text])).not.toContain('bearer-token');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      expect(line).not.toContain('bearer-token');
      expect(line.length).toBeLessThan(200);
    }
    expect(lines.at(-1)).toMatch(/^DELETE \/v1\/accessTokens\/z+\.\.\. 400 \d+\.\dms user-[0-9a-f]{8}$/);
  });
});
