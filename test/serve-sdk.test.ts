// The reference implementation as the AWS SDK for JavaScript v3 sees it: the SDK works against
// it unchanged, and every answer the conformance suite relies on arrives as the SDK's exception
// name and status. Raw HTTP only where the SDK cannot express the request (missing ID, bursts).
import {
  CreateAccessTokenCommand,
  DeleteAccessTokenCommand,
  ListAccessTokensCommand,
  VerifySessionCommand,
  type CodeCatalystClient,
} from '@aws-sdk/client-codecatalyst';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import type { ReferenceServer } from '../src/reference/server.js';
import { alice, bob, createToken, errortype, listAll, race, raw, sdk, sdkError, serverPool, sleep, statuses } from './helpers/reference.js';

const pool = serverPool();

async function sdkIds(client: CodeCatalystClient): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await client.send(new ListAccessTokensCommand({ maxResults: 10, nextToken }));
    ids.push(...(page.items ?? []).map((t) => t.id!));
    nextToken = page.nextToken;
    if (!nextToken) return ids;
  }
  throw new Error('pagination did not end');
}

describe('reference implementation through the AWS SDK', () => {
  it('VerifySession names the identity by a derived name, never by the bearer', async () => {
    const server = await pool.start();
    const out = await sdk(server, alice).send(new VerifySessionCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.identity).toMatch(/^user-[0-9a-f]{8}$/);
    expect(out.identity).not.toContain(alice);
    const other = await sdk(server, bob).send(new VerifySessionCommand({}));
    expect(other.identity).not.toBe(out.identity);
  });

  it('CreateAccessToken answers 201 with a secret, the name, an RFC 3339 expiry and a UUID', async () => {
    const server = await pool.start();
    const client = sdk(server, alice);
    const out = await client.send(new CreateAccessTokenCommand({ name: 'ci token', expiresTime: new Date('2030-01-02T03:04:05Z') }));
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.name).toBe('ci token');
    expect(out.expiresTime?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(out.accessTokenId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out.secret!.length).toBeGreaterThanOrEqual(40);

    // Without expiresTime the token lives about a year.
    const defaulted = await client.send(new CreateAccessTokenCommand({ name: 'default expiry' }));
    const days = (defaulted.expiresTime!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(367);
  });

  it('ListAccessTokens pages 23 tokens 10 at a time, each once, in creation order; others see none', async () => {
    const server = await pool.start();
    const client = sdk(server, alice);
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      created.push((await client.send(new CreateAccessTokenCommand({ name: `t${i}` }))).accessTokenId!);
    }
    const sizes: number[] = [];
    let nextToken: string | undefined;
    const seen: string[] = [];
    do {
      const page = await client.send(new ListAccessTokensCommand({ maxResults: 10, nextToken }));
      expect(page.$metadata.httpStatusCode).toBe(200);
      sizes.push(page.items!.length);
      seen.push(...page.items!.map((t) => t.id!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(sizes).toEqual([10, 10, 3]);
    expect(seen).toEqual(created);
    expect(await sdkIds(sdk(server, bob))).toEqual([]);
  });

  it('pagination survives deletions between pages (no token skipped or repeated)', async () => {
    const server = await pool.start();
    const client = sdk(server, alice);
    const created: string[] = [];
    for (let i = 0; i < 15; i++) created.push(await createToken(server, alice, `t${i}`));
    const first = await client.send(new ListAccessTokensCommand({ maxResults: 5 }));
    // Delete two already-listed tokens: an offset-based cursor would now skip two survivors.
    await client.send(new DeleteAccessTokenCommand({ id: created[0]! }));
    await client.send(new DeleteAccessTokenCommand({ id: created[1]! }));
    const rest: string[] = [];
    let nextToken = first.nextToken;
    while (nextToken) {
      const page = await client.send(new ListAccessTokensCommand({ maxResults: 5, nextToken }));
      rest.push(...page.items!.map((t) => t.id!));
      nextToken = page.nextToken;
    }
    expect(rest).toEqual(created.slice(5));
  });

  it('the owner deletes: 200 with an empty body; the token is gone; a second delete is 404', async () => {
    const server = await pool.start();
    const client = sdk(server, alice);
    const id = await createToken(server);
    const keep = await createToken(server);
    const out = await client.send(new DeleteAccessTokenCommand({ id }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await sdkIds(client)).toEqual([keep]);
    expect(await sdkError(client.send(new DeleteAccessTokenCommand({ id })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });

    const rawId = await createToken(server);
    const res = await raw(server, 'DELETE', `/v1/accessTokens/${rawId}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['content-length']).toBe('0');
  });

  it('another identity gets 403 AccessDeniedException and the token survives', async () => {
    const server = await pool.start();
    const id = await createToken(server, alice);
    expect(await sdkError(sdk(server, bob).send(new DeleteAccessTokenCommand({ id })))).toEqual({
      name: 'AccessDeniedException',
      status: 403,
    });
    expect(await listAll(server, alice)).toEqual([id]);
    const out = await sdk(server, alice).send(new DeleteAccessTokenCommand({ id }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it('IDs are bounded in code points: 37 characters is 400, 36 emoji is 404', async () => {
    const server = await pool.start();
    const client = sdk(server, alice);
    const id = await createToken(server);
    for (const bad of ['a'.repeat(37), `${id}x`, 'b'.repeat(100), 'c'.repeat(4096)]) {
      expect(await sdkError(client.send(new DeleteAccessTokenCommand({ id: bad })))).toEqual({
        name: 'ValidationException',
        status: 400,
      });
    }
    expect(await sdkError(client.send(new DeleteAccessTokenCommand({ id: '\u{1F511}'.repeat(36) })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
    expect(await sdkError(client.send(new DeleteAccessTokenCommand({ id: 'x'.repeat(36) })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
    expect(await listAll(server)).toEqual([id]);
  });

  it('a missing ID is 400 (empty label) or 405 (no label), and nothing changes', async () => {
    const server = await pool.start();
    const id = await createToken(server);
    const empty = await raw(server, 'DELETE', '/v1/accessTokens/');
    expect(empty.status).toBe(400);
    expect(errortype(empty)).toBe('ValidationException');
    expect(empty.json).toEqual({ message: expect.any(String) });
    const none = await raw(server, 'DELETE', '/v1/accessTokens');
    expect(none.status).toBe(405);
    expect(none.headers.allow).toBe('PUT, POST');
    expect(errortype(none)).toBe('UnknownOperationException');
    for (const ws of ['%20', '%09', '%20%20']) {
      const res = await raw(server, 'DELETE', `/v1/accessTokens/${ws}`);
      expect(res.status).toBe(404);
    }
    expect(await listAll(server)).toEqual([id]);
  });

  it('requests without valid credentials answer 401 and change nothing', async () => {
    const server = await pool.start();
    const id = await createToken(server);
    for (const authorization of [undefined, 'Bearer', 'Bearer    ', `Basic ${Buffer.from('a:b').toString('base64')}`]) {
      const res = await raw(server, 'DELETE', `/v1/accessTokens/${id}`, {
        bearer: null,
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.status).toBe(401);
      expect(errortype(res)).toBe('UnauthorizedException');
      expect(res.json).toEqual({ message: expect.any(String) });
    }
    expect(await listAll(server)).toEqual([id]);
  });

  it('--users restricts the identities: an unknown bearer is 401', async () => {
    const server = await pool.start({ users: [alice] });
    const id = await createToken(server, alice);
    expect(await sdkError(sdk(server, bob).send(new DeleteAccessTokenCommand({ id })))).toMatchObject({ status: 401 });
    expect(await listAll(server, alice)).toEqual([id]);
  });

  it('--max-tokens: one token too many is 402 ServiceQuotaExceededException', async () => {
    const server = await pool.start({ maxTokens: 2 });
    const client = sdk(server, alice);
    await createToken(server);
    await createToken(server);
    expect(await sdkError(client.send(new CreateAccessTokenCommand({ name: 'third' })))).toEqual({
      name: 'ServiceQuotaExceededException',
      status: 402,
    });
    await createToken(server, bob); // the quota is per identity
  });
});

describe('throttling', () => {
  /** `count` requests by `bearer`, at most 50 in flight, over the `agent`'s connections. */
  async function burst(server: ReferenceServer, bearer: string, count: number, agent: Agent) {
    const results: { status: number; retryAfter?: string; type?: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < count) {
          next++;
          const res = await raw(server, 'POST', '/v1/accessTokens', { bearer, body: '{}', dispatcher: agent });
          results.push({ status: res.status, retryAfter: res.headers['retry-after'] as string, type: errortype(res) });
        }
      }),
    );
    return results;
  }

  it('a burst of 200 at concurrency 50 is partly throttled, then recovers', async () => {
    // A bucket of 100 that refills by 1 a second: a burst of 200 outruns it however slow the
    // machine (it would have to last 100 s not to), so the test does not hope for speed.
    const server = await pool.start({ rate: 1, burst: 100 });
    const agent = new Agent({ connections: 50 });
    const results = await burst(server, alice, 200, agent);
    await agent.close();
    const throttled = results.filter((r) => r.status === 429);
    const ok = results.filter((r) => r.status === 200);
    expect(throttled.length + ok.length).toBe(200);
    expect(throttled.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of throttled) {
      expect(r.type).toBe('ThrottlingException');
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(Number(r.retryAfter))).toBe(true);
    }
    // Another identity has its own bucket.
    expect((await raw(server, 'GET', '/session', { bearer: 'carol' })).status).toBe(200);
    await sleep(Number(throttled[0]!.retryAfter) * 1000);
    const after = await sdk(server, alice).send(new ListAccessTokensCommand({}));
    expect(after.$metadata.httpStatusCode).toBe(200);
  });

  it('ordinary sequential use is not throttled by the defaults (96 requests back to back)', async () => {
    const server = await pool.start();
    const client = sdk(server, alice);
    for (let i = 0; i < 50; i++) await client.send(new CreateAccessTokenCommand({ name: `seq${i}` }));
    for (let i = 0; i < 9; i++) expect(await sdkIds(client)).toHaveLength(50); // 5 pages each
    expect((await client.send(new VerifySessionCommand({}))).$metadata.httpStatusCode).toBe(200);
  });

  it('the SDK sees ThrottlingException 429', async () => {
    const server = await pool.start({ rate: 1, burst: 1 });
    const client = sdk(server, alice);
    await client.send(new VerifySessionCommand({}));
    expect(await sdkError(client.send(new VerifySessionCommand({})))).toEqual({ name: 'ThrottlingException', status: 429 });
  });

  it('a throttled delete has no effect', async () => {
    const server = await pool.start({ rate: 1, burst: 2 });
    const id = await createToken(server);
    await raw(server, 'GET', '/session');
    const res = await raw(server, 'DELETE', `/v1/accessTokens/${id}`);
    expect(res.status).toBe(429);
    await sleep(Number(res.headers['retry-after']) * 1000);
    expect(await listAll(server)).toEqual([id]);
  });

  it('--rate 0 disables throttling', async () => {
    const server = await pool.start({ rate: 0, burst: 1 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => raw(server, 'GET', '/session')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});

describe('racing deletes', () => {
  it('with --conflict-window 200, 16 racers: exactly one 200, the rest 409 ConflictException', async () => {
    const server = await pool.start({ conflictWindowMs: 200 });
    const id = await createToken(server);
    const answers = await race(server, 16, () => ({ method: 'DELETE', path: `/v1/accessTokens/${id}` }));
    expect(statuses(answers)).toEqual([200, ...Array<number>(15).fill(409)]);
    for (const a of answers.filter((x) => x.status === 409)) expect(errortype(a)).toBe('ConflictException');
    expect(await listAll(server)).toEqual([]);
    // After the window, a late delete is an ordinary 404.
    expect(await sdkError(sdk(server, alice).send(new DeleteAccessTokenCommand({ id })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('without a window the delete is atomic: one 200, the rest 404', async () => {
    const server = await pool.start();
    const id = await createToken(server);
    const answers = await race(server, 16, () => ({ method: 'DELETE', path: `/v1/accessTokens/${id}` }));
    expect(statuses(answers)).toEqual([200, ...Array<number>(15).fill(404)]);
    expect(await listAll(server)).toEqual([]);
  });

  it('concurrent deletes of different tokens all succeed, with or without a window', async () => {
    for (const conflictWindowMs of [0, 50]) {
      const server = await pool.start({ conflictWindowMs });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(await createToken(server));
      const answers = await race(server, 8, (i) => ({ method: 'DELETE', path: `/v1/accessTokens/${ids[i]}` }));
      expect(statuses(answers)).toEqual(Array<number>(8).fill(200));
      expect(await listAll(server)).toEqual([]);
    }
  });
});

describe('legitimate variations', () => {
  it('--delete-body {}: 200 with the JSON object {}, which the SDK accepts', async () => {
    const server = await pool.start({ deleteBody: '{}' });
    const id = await createToken(server);
    expect((await sdk(server, alice).send(new DeleteAccessTokenCommand({ id }))).$metadata.httpStatusCode).toBe(200);
    const other = await createToken(server);
    const res = await raw(server, 'DELETE', `/v1/accessTokens/${other}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{}');
    expect(res.headers['content-type']).toBe('application/json');
  });

  it.each([
    ['suffixed', 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.codecatalyst/'],
    ['namespaced', 'com.amazonaws.codecatalyst#ResourceNotFoundException'],
  ] as const)('--errortype-style %s: the header is spelled so and the SDK still maps the name', async (style, header) => {
    const server = await pool.start({ errortypeStyle: style });
    const res = await raw(server, 'DELETE', '/v1/accessTokens/nope');
    expect(errortype(res)).toBe(header);
    expect(await sdkError(sdk(server, alice).send(new DeleteAccessTokenCommand({ id: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });

  it('--id-style short and long: the IDs have that shape and work end to end', async () => {
    for (const [idStyle, shape] of [
      ['short', /^[a-z0-9]{8}$/],
      ['long', /^[a-z0-9]{36}$/],
    ] as const) {
      const server = await pool.start({ idStyle });
      const client = sdk(server, alice);
      const id = (await client.send(new CreateAccessTokenCommand({ name: idStyle }))).accessTokenId!;
      expect(id).toMatch(shape);
      expect(await sdkIds(client)).toEqual([id]);
      expect((await client.send(new DeleteAccessTokenCommand({ id }))).$metadata.httpStatusCode).toBe(200);
      if (idStyle === 'long') {
        // The boundary case of contract §5.4: the implementation's own 36-char ID plus one.
        const again = await createToken(server);
        expect(await sdkError(client.send(new DeleteAccessTokenCommand({ id: `${again}x` })))).toMatchObject({ status: 400 });
      }
    }
  });

  it('--page-size 3: pages of 3 even when maxResults allows 10; maxResults 2 lowers it', async () => {
    const server = await pool.start({ pageSize: 3 });
    const client = sdk(server, alice);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await createToken(server));
    const sizes: number[] = [];
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListAccessTokensCommand({ maxResults: 10, nextToken }));
      sizes.push(page.items!.length);
      seen.push(...page.items!.map((t) => t.id!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(created);
    expect((await client.send(new ListAccessTokensCommand({ maxResults: 2 }))).items).toHaveLength(2);
  });

  it('--wrong-owner-status 404 hides existence from other identities', async () => {
    const server = await pool.start({ wrongOwnerStatus: 404 });
    const id = await createToken(server, alice);
    expect(await sdkError(sdk(server, bob).send(new DeleteAccessTokenCommand({ id })))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
    });
    expect(await listAll(server, alice)).toEqual([id]);
  });

  it('--seed makes IDs and secrets reproducible', async () => {
    const run = async (server: ReferenceServer): Promise<string[]> => {
      const client = sdk(server, alice);
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        const t = await client.send(new CreateAccessTokenCommand({ name: `s${i}` }));
        out.push(t.accessTokenId!, t.secret!);
      }
      return out;
    };
    const a = await run(await pool.start({ seed: 42 }));
    const b = await run(await pool.start({ seed: 42 }));
    const c = await run(await pool.start({ seed: 43 }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
