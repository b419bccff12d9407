// The conformant variations in ID scope, duplicate names and the last page's nextToken, over
// raw HTTP and through the AWS SDK: a client under test must cope with each, so the reference
// has to get each exactly right. (The older variations are in serve-sdk.test.ts.)
import {
  CreateAccessTokenCommand,
  DeleteAccessTokenCommand,
  paginateListAccessTokens,
  type CodeCatalystClient,
} from '@aws-sdk/client-codecatalyst';
import { describe, expect, it } from 'vitest';
import type { LastPageToken } from '../src/reference/options.js';
import type { ReferenceServer } from '../src/reference/server.js';
import {
  alice,
  bob,
  createToken,
  errortype,
  holdRequest,
  listAll,
  pipelined,
  raw,
  sdk,
  sdkError,
  serverPool,
} from './helpers/reference.js';

const pool = serverPool();

const del = (server: ReferenceServer, id: string, bearer = alice) => raw(server, 'DELETE', `/v1/accessTokens/${id}`, { bearer });
const list = (server: ReferenceServer, body: object, bearer = alice) =>
  raw(server, 'POST', '/v1/accessTokens', { bearer, body: JSON.stringify(body) });

/** Every page the SDK's own paginator fetches, as item IDs per page. */
async function sdkPages(client: CodeCatalystClient): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of paginateListAccessTokens({ client }, { maxResults: 10 })) {
    pages.push((page.items ?? []).map((t) => t.id!));
    if (pages.length > 50) throw new Error('the paginator did not stop');
  }
  return pages;
}

describe('--id-style per-identity', () => {
  it("numbers each identity's tokens 1, 2, 3, ... by a counter of its own that never goes back", async () => {
    const server = await pool.start({ idStyle: 'per-identity' });
    expect([await createToken(server, alice), await createToken(server, alice), await createToken(server, bob)]).toEqual(['1', '2', '1']);
    expect((await del(server, '2')).status).toBe(200);
    expect(await createToken(server, alice)).toBe('3'); // not 2 again
    expect(await createToken(server, bob)).toBe('2');
    expect(await listAll(server, alice)).toEqual(['1', '3']);
    expect(await listAll(server, bob)).toEqual(['1', '2']);
  });

  it("looks an ID up among the caller's tokens only: another identity's ID is 404 and changes nothing", async () => {
    // 403 is the configured wrong-owner answer, and still not what a stranger's ID gets here.
    const server = await pool.start({ idStyle: 'per-identity', wrongOwnerStatus: 403 });
    for (let i = 0; i < 3; i++) await createToken(server, alice, `a${i}`);
    await createToken(server, bob, 'b0');
    const res = await del(server, '3', bob);
    expect([res.status, errortype(res)]).toEqual([404, 'ResourceNotFoundException']);
    expect(await listAll(server, alice)).toEqual(['1', '2', '3']);
    // Each deletes its own "1".
    expect((await del(server, '1', bob)).status).toBe(200);
    expect(await listAll(server, alice)).toEqual(['1', '2', '3']);
    expect(await listAll(server, bob)).toEqual([]);
    expect((await del(server, '1', alice)).status).toBe(200);
    expect(await listAll(server, alice)).toEqual(['2', '3']);
  });

  it('pages per owner, and a nextToken is still bound to its identity', async () => {
    const server = await pool.start({ idStyle: 'per-identity', pageSize: 3 });
    for (let i = 0; i < 7; i++) await createToken(server, alice);
    for (let i = 0; i < 4; i++) await createToken(server, bob);
    expect(await listAll(server, alice)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(await listAll(server, bob)).toEqual(['1', '2', '3', '4']);
    const { nextToken } = (await list(server, {})).json as { nextToken: string };
    expect((await list(server, { nextToken }, bob)).status).toBe(400);
  });

  it("a conflict window holds one owner's token, not every token with its ID", async () => {
    const server = await pool.start({ idStyle: 'per-identity', conflictWindowMs: 100 });
    await createToken(server, alice);
    await createToken(server, bob);
    // Pipelined: bob's delete is handled while alice's is inside its window.
    const answers = await pipelined(server, [
      { method: 'DELETE', path: '/v1/accessTokens/1', bearer: alice },
      { method: 'DELETE', path: '/v1/accessTokens/1', bearer: bob },
      { method: 'DELETE', path: '/v1/accessTokens/1', bearer: alice },
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 409]);
    expect(await listAll(server, alice)).toEqual([]);
    expect(await listAll(server, bob)).toEqual([]);
  });

  it("throttle-deletes-anyway takes the caller's own token with that ID, never another's", async () => {
    // Throttled by an in-flight limit of 1 while one of bob's requests is held open: no clock.
    const server = await pool.start({
      idStyle: 'per-identity',
      rate: 1e6,
      burst: 1e6,
      maxInFlight: 1,
      faults: ['throttle-deletes-anyway'],
    });
    await createToken(server, alice);
    await createToken(server, alice);
    await createToken(server, bob);
    const held = await holdRequest(server, { method: 'POST', path: '/v1/accessTokens', bearer: bob, body: '{}' });
    expect((await del(server, '2', bob)).status).toBe(429); // only alice holds a "2"
    expect((await del(server, '1', bob)).status).toBe(429);
    expect((await held.release()).status).toBe(200);
    expect(await listAll(server, alice)).toEqual(['1', '2']);
    expect(await listAll(server, bob)).toEqual([]);
  });

  it('through the SDK: both identities get "1"; alice deleting "1" leaves bob\'s; bob deleting an ID only alice holds is 404', async () => {
    const server = await pool.start({ idStyle: 'per-identity' });
    const [a, b] = [sdk(server, alice), sdk(server, bob)];
    expect((await a.send(new CreateAccessTokenCommand({ name: 'alice 1' }))).accessTokenId).toBe('1');
    expect((await b.send(new CreateAccessTokenCommand({ name: 'bob 1' }))).accessTokenId).toBe('1');
    expect((await a.send(new CreateAccessTokenCommand({ name: 'alice 2' }))).accessTokenId).toBe('2');
    expect((await a.send(new DeleteAccessTokenCommand({ id: '1' }))).$metadata.httpStatusCode).toBe(200);
    expect((await sdkPages(b)).flat()).toEqual(['1']);
    expect(await sdkError(b.send(new DeleteAccessTokenCommand({ id: '2' })))).toEqual({ name: 'ResourceNotFoundException', status: 404 });
    expect((await sdkPages(a)).flat()).toEqual(['2']);
  });
});

describe('--duplicate-names', () => {
  it('reject: a name the caller holds answers 409 ConflictException and creates nothing', async () => {
    const server = await pool.start({ duplicateNames: 'reject' });
    const first = await createToken(server, alice, 'ci');
    const res = await raw(server, 'PUT', '/v1/accessTokens', { body: '{"name":"ci"}' });
    expect([res.status, errortype(res)]).toEqual([409, 'ConflictException']);
    expect((res.json as { message: string }).message).toMatch(/name is already in use/);
    expect(await listAll(server)).toEqual([first]);
    // Only the caller's current tokens count: another identity, or the name freed by a delete.
    await createToken(server, bob, 'ci');
    expect((await del(server, first)).status).toBe(200);
    await createToken(server, alice, 'ci');
    expect(await listAll(server)).toHaveLength(1);
  });

  it('reject: the SDK gets a ConflictException', async () => {
    const server = await pool.start({ duplicateNames: 'reject' });
    const client = sdk(server, alice);
    await client.send(new CreateAccessTokenCommand({ name: 'deploy' }));
    expect(await sdkError(client.send(new CreateAccessTokenCommand({ name: 'deploy' })))).toEqual({
      name: 'ConflictException',
      status: 409,
    });
    expect((await sdkPages(client)).flat()).toHaveLength(1);
  });

  it('allow (the default): the same name twice is two tokens', async () => {
    const server = await pool.start();
    await createToken(server, alice, 'ci');
    await createToken(server, alice, 'ci');
    expect(await listAll(server)).toHaveLength(2);
  });
});

describe('--last-page-token', () => {
  const expected: Record<LastPageToken, (body: Record<string, unknown>) => void> = {
    absent: (body) => expect(Object.hasOwn(body, 'nextToken')).toBe(false),
    null: (body) => expect(body).toHaveProperty('nextToken', null),
    empty: (body) => expect(body).toHaveProperty('nextToken', ''),
  };

  it.each(Object.keys(expected) as LastPageToken[])(
    '%s: the last page says so on the wire; earlier pages carry a real token',
    async (lastPageToken) => {
      const server = await pool.start({ lastPageToken, pageSize: 3 });
      expected[lastPageToken]((await list(server, {})).json as Record<string, unknown>); // no tokens at all
      for (let i = 0; i < 4; i++) await createToken(server);
      const first = (await list(server, {})).json as { items: unknown[]; nextToken: unknown };
      expect(first.items).toHaveLength(3);
      expect(first.nextToken).toEqual(expect.stringMatching(/./));
      const last = (await list(server, { nextToken: first.nextToken })).json as { items: unknown[] };
      expect(last.items).toHaveLength(1);
      expected[lastPageToken](last);
    },
  );

  it.each(Object.keys(expected) as LastPageToken[])(
    '%s: the SDK paginator lists every token across pages of 3 and stops',
    async (lastPageToken) => {
      const server = await pool.start({ lastPageToken, pageSize: 3 });
      const client = sdk(server, alice);
      expect(await sdkPages(client)).toEqual([[]]);
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push(await createToken(server));
      const pages = await sdkPages(client);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(created);
      // A page that ends exactly at the last token is the last page too.
      expect((await client.send(new DeleteAccessTokenCommand({ id: created[6]! }))).$metadata.httpStatusCode).toBe(200);
      expect((await sdkPages(client)).map((p) => p.length)).toEqual([3, 3]);
    },
  );
});

describe('--retry-after', () => {
  it('none: a 429 is a well-formed ThrottlingException with no Retry-After; seconds (the default): it has one', async () => {
    const [none, seconds] = await Promise.all([pool.start({ rate: 1, burst: 1, retryAfter: 'none' }), pool.start({ rate: 1, burst: 1 })]);
    for (const server of [none, seconds]) {
      expect((await list(server, {})).status).toBe(200); // spends the bucket
    }
    const [throttledNone, throttledSeconds] = await Promise.all([list(none, {}), list(seconds, {})]);
    expect(throttledNone.status).toBe(429);
    expect(errortype(throttledNone)).toBe('ThrottlingException');
    expect(throttledNone.headers['retry-after']).toBeUndefined();
    expect(throttledSeconds.status).toBe(429);
    expect(throttledSeconds.headers['retry-after']).toBe('1');
  });
});
