// The recorder as a tap on the transport, in-process: real loopback servers, the real transport
// with the recorder's tap, requests through `transport.send`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../src/secrets/registry.js';
import { createRecorder, RecordingError, type Recorder } from '../src/recording/recorder.js';
import { loadTraffic, openRecording } from '../src/recording/recording-store.js';
import type { HttpMethod } from '../src/transport/exchange.js';
import { Transport, defaultTransportBounds, type TransportBounds } from '../src/transport/transport.js';
import { alice, bob, serverPool } from './helpers/reference.js';

const servers = serverPool();
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'patc-rec-'));
}

function composed(url: string, recorder: Recorder, bounds: Partial<TransportBounds> = {}): Transport {
  const transport = new Transport(
    url,
    { ...defaultTransportBounds, connections: 4, giveUpAfterFailures: 0, ...bounds },
    { tap: recorder.tap },
  );
  cleanups.push(() => transport.close());
  return transport;
}

/** One request; an answer, or the transport error it met, thrown so a test can catch it. */
async function send(t: Transport, _origin: string, method: HttpMethod, path: string, bearer?: string, body?: string) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const exchange = await t.send({ method, path, headers, ...(body !== undefined ? { body } : {}) });
  if (!exchange.response) throw Object.assign(new Error(exchange.transportError!.message), { kind: exchange.transportError!.kind });
  return {
    status: exchange.response.status,
    headers: exchange.response.headers,
    text: exchange.response.body,
    response: exchange.response,
  };
}

/** A raw server whose behaviour the test chooses. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function allText(dir: string): string {
  let out = '';
  const walk = (at: string): void => {
    for (const e of readdirSync(at, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(at, e.name));
      else out += readFileSync(join(at, e.name), 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('recording tap: record, then replay with no network', () => {
  it('records a create/list/delete session redacted, and replays it with the server gone', async () => {
    const server = await servers.start({ rate: 0 });
    const dir = join(tempDir(), 'rec');
    const redactor = new SecretRedactor();
    redactor.add(alice, '<identity-1>');
    redactor.add(bob, '<identity-2>');
    const recorder = await createRecorder({ dir, mode: 'record', redactor, identities: ['<identity-1>', '<identity-2>'] });
    const d = composed(server.url, recorder);
    await recorder.beginCase('session');
    const created = await send(d, server.url, 'PUT', '/v1/accessTokens', alice, JSON.stringify({ name: 'n1' }));
    expect(created.status).toBe(201);
    const { accessTokenId, secret } = JSON.parse(created.text) as { accessTokenId: string; secret: string };
    expect(secret.length).toBeGreaterThan(10);
    const wrong = await send(d, server.url, 'DELETE', `/v1/accessTokens/${accessTokenId}`, bob);
    const first = await send(d, server.url, 'DELETE', `/v1/accessTokens/${accessTokenId}`, alice);
    const second = await send(d, server.url, 'DELETE', `/v1/accessTokens/${accessTokenId}`, alice);
    const dots = await send(d, server.url, 'DELETE', `/v1/accessTokens/%2E%2E%2F${accessTokenId}`, alice);
    expect([wrong.status, first.status, second.status]).toEqual([403, 200, 404]);
    const summary = await recorder.finish({ kind: 'proxy', target: { url: server.url, embedded: false } });
    expect(summary.exchanges).toBe(5);

    const text = allText(dir);
    expect(text).not.toContain(alice);
    expect(text).not.toContain(bob);
    expect(text).not.toContain(secret);
    expect(text).toContain('Bearer <identity-1>');
    expect(text).toContain('Bearer <identity-2>');
    const traffic = loadTraffic(dir);
    expect(JSON.parse(traffic.sources[0]!.entries[0]!.response.content.text!)).toMatchObject({ secret: '<token-secret>' });
    // Exact wire paths survive (a URL parser would resolve %2E%2E).
    expect(traffic.sources[0]!.entries.map((e) => e._patConformance?.path)).toContain(`/v1/accessTokens/%2E%2E%2F${accessTokenId}`);

    await server.close();
    const replayer = await createRecorder({ dir, mode: 'replay', redactor: new SecretRedactor(), recording: openRecording(dir) });
    const r = composed(server.url, replayer);
    await replayer.beginCase('session');
    const again = await send(r, server.url, 'PUT', '/v1/accessTokens', '<identity-1>', JSON.stringify({ name: 'n1' }));
    expect(again.status).toBe(201);
    expect(JSON.parse(again.text)).toMatchObject({ accessTokenId, secret: '<token-secret>' });
    expect((await send(r, server.url, 'DELETE', `/v1/accessTokens/${accessTokenId}`, '<identity-2>')).status).toBe(403);
    // Identical requests are answered in send order.
    expect((await send(r, server.url, 'DELETE', `/v1/accessTokens/${accessTokenId}`, '<identity-1>')).status).toBe(200);
    const re = await send(r, server.url, 'DELETE', `/v1/accessTokens/${accessTokenId}`, '<identity-1>');
    expect(re.status).toBe(404);
    expect(re.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect((await send(r, server.url, 'DELETE', `/v1/accessTokens/%2E%2E%2F${accessTokenId}`, '<identity-1>')).status).toBe(dots.status);
    // A request the recording does not hold fails loudly, naming method and path.
    await expect(send(r, server.url, 'DELETE', '/v1/accessTokens/never-sent', '<identity-1>')).rejects.toThrow(
      /DELETE \/v1\/accessTokens\/never-sent/,
    );
    expect(replayer.unmatched()).toMatchObject({ method: 'DELETE', path: '/v1/accessTokens/never-sent' });
    expect(replayer.signal.aborted).toBe(true);
    await replayer.endCase();
  });

  it('a caller who is not the recorded one does not get its answer', async () => {
    const server = await servers.start({ rate: 0 });
    const dir = join(tempDir(), 'rec');
    const redactor = new SecretRedactor();
    redactor.add(alice, '<identity-1>');
    redactor.add(bob, '<identity-2>');
    const recorder = await createRecorder({ dir, mode: 'record', redactor });
    const d = composed(server.url, recorder);
    await recorder.beginCase('one');
    await send(d, server.url, 'POST', '/v1/accessTokens', alice, '{}');
    await recorder.finish({ kind: 'proxy', target: { url: server.url, embedded: false } });
    const replayer = await createRecorder({ dir, mode: 'replay', redactor: new SecretRedactor(), recording: openRecording(dir) });
    const r = composed(server.url, replayer);
    await replayer.beginCase('one');
    await expect(send(r, server.url, 'POST', '/v1/accessTokens', '<identity-2>', '{}')).rejects.toThrow(/POST \/v1\/accessTokens/);
  });
});

describe('recording tap: what is not an answer', () => {
  it('a reset connection reaches the caller as an error, is not recorded as a response, and replays as the same error', async () => {
    const { url } = await rawServer((req) => req.socket.destroy());
    const dir = join(tempDir(), 'rec');
    const recorder = await createRecorder({ dir, mode: 'record', redactor: new SecretRedactor() });
    const d = composed(url, recorder);
    await recorder.beginCase('reset');
    const error = await send(d, url, 'DELETE', '/v1/accessTokens/x').catch((e: unknown) => e as { kind?: string });
    expect(error).toMatchObject({ kind: 'reset' });
    const summary = await recorder.finish({ kind: 'proxy', target: { url, embedded: false } });
    expect(summary).toMatchObject({ exchanges: 0, transportErrors: 1 });

    const replayer = await createRecorder({ dir, mode: 'replay', redactor: new SecretRedactor(), recording: openRecording(dir) });
    const r = composed(url, replayer);
    await replayer.beginCase('reset');
    const replayed = await send(r, url, 'DELETE', '/v1/accessTokens/x').catch((e: unknown) => e as { kind?: string });
    expect(replayed).toMatchObject({ kind: 'reset' });
    expect(replayer.unmatched()).toBeUndefined();
  });

  it('a target that never answers times out in the transport; replay gives the timeout back without waiting for one', async () => {
    let requests = 0;
    const { url } = await rawServer(() => {
      requests++;
    });
    const dir = join(tempDir(), 'rec');
    const recorder = await createRecorder({ dir, mode: 'record', redactor: new SecretRedactor() });
    const d = composed(url, recorder, { timeoutMs: 300 });
    await recorder.beginCase('hang');
    const error = await send(d, url, 'GET', '/session').catch((e: unknown) => e as { kind?: string });
    expect(error).toMatchObject({ kind: 'timeout' });
    await recorder.finish({ kind: 'proxy', target: { url, embedded: false } });
    expect(requests).toBe(1);

    const replayer = await createRecorder({ dir, mode: 'replay', redactor: new SecretRedactor(), recording: openRecording(dir) });
    // An hour to answer: the timeout can only be the recorded one given back, not a wait that ran
    // out (the test would time out first). The target is not asked again.
    const r = composed(url, replayer, { timeoutMs: 3_600_000 });
    await replayer.beginCase('hang');
    const replayed = await send(r, url, 'GET', '/session').catch((e: unknown) => e as { kind?: string });
    expect(replayed).toMatchObject({ kind: 'timeout' });
    expect(requests).toBe(1);
    expect(replayer.unmatched()).toBeUndefined();
  });

  it('a huge body is cut at the cap: the caller sees it was longer, the recording flags it truncated, the target is not read to the end', async () => {
    // How much memory and time this takes is measured by `npm run bench` (section 3), not here.
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const total = 2 * 1024 * 1024 * 1024;
    let sentWhenClosed: number | undefined;
    let onClosed!: () => void;
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    const { url } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => {
        sentWhenClosed = sent;
        sent = Infinity;
        onClosed();
      });
      pump();
    });
    const dir = join(tempDir(), 'rec');
    const recorder = await createRecorder({ dir, mode: 'record', redactor: new SecretRedactor(), maxBodyBytes: 1024 * 1024 });
    const d = composed(url, recorder);
    await recorder.beginCase('huge');
    const answer = await send(d, url, 'POST', '/v1/accessTokens', undefined, '{}');
    expect(answer.status).toBe(200);
    expect(answer.response.truncated).toBe(true);
    expect(Buffer.byteLength(answer.text)).toBe(1024 * 1024);
    expect(answer.response.bodyBytes).toBeGreaterThan(1024 * 1024);
    // The recorder stopped reading at the cap and let go of the connection: the target saw it
    // closed long before it had sent its 2 GiB.
    await closed;
    expect(sentWhenClosed).toBeLessThan(total);
    await recorder.finish({ kind: 'proxy', target: { url, embedded: false } });
    const [entry] = loadTraffic(dir).sources[0]!.entries;
    expect(entry!._patConformance?.truncated).toBe(true);
  });
});

describe('recorder: redaction beyond bearers and secrets', () => {
  it('--redact-header and --redact-field values, and known secrets in any spelling, never reach the HAR', async () => {
    const secret = 'sekrit/with+odd"chars';
    const { url } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-session-key': 'header-value-123', 'set-cookie': 'sid=cookie-value-456' });
      res.end(
        JSON.stringify({ items: [{ id: 'a', internalToken: 'field-value-789' }], echo: secret, url: `/x?k=${encodeURIComponent(secret)}` }),
      );
    });
    const dir = join(tempDir(), 'rec');
    const redactor = new SecretRedactor();
    redactor.add(secret, '<identity-1>');
    const recorder = await createRecorder({
      dir,
      mode: 'record',
      redactor,
      redactHeaders: ['x-session-key'],
      redactFields: ['internalToken'],
    });
    const d = composed(url, recorder);
    await recorder.beginCase('redaction');
    const answer = await send(d, url, 'POST', '/v1/accessTokens', secret, '{}');
    // The caller gets the real answer; only what is written is redacted.
    expect(answer.text).toContain('field-value-789');
    await recorder.finish({ kind: 'proxy', target: { url, embedded: false } });
    const text = allText(dir);
    for (const value of [
      'header-value-123',
      'cookie-value-456',
      'field-value-789',
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
    ]) {
      expect(text).not.toContain(value);
    }
    const entry = loadTraffic(dir).sources[0]!.entries[0]!;
    expect(JSON.parse(entry.response.content.text!)).toMatchObject({
      items: [{ id: 'a', internalToken: '<redacted>' }],
      echo: '<identity-1>',
    });
    expect(entry.response.headers.find((h) => h.name === 'x-session-key')?.value).toBe('<redacted>');
    expect(entry.request.headers.find((h) => h.name === 'authorization')?.value).toBe('Bearer <identity-1>');
  });
});

describe('recorder: written whole or not at all', () => {
  it('a secret learned after its segment was written fails the recording and leaves the previous one', async () => {
    const { url } = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [], note: 'late-secret-value-123' }));
    });
    const parent = tempDir();
    const dir = join(parent, 'rec');
    mkdirSync(dir);
    writeFileSync(join(dir, 'meta.json'), '{"previous": true}');
    const redactor = new SecretRedactor();
    const recorder = await createRecorder({ dir, mode: 'record', redactor });
    const d = composed(url, recorder);
    await recorder.beginCase('leak');
    await send(d, url, 'POST', '/v1/accessTokens', undefined, '{}');
    await recorder.endCase();
    redactor.add('late-secret-value-123', '<identity-7>');
    await expect(recorder.finish({ kind: 'proxy', target: { url, embedded: false } })).rejects.toThrow(RecordingError);
    expect(readFileSync(join(dir, 'meta.json'), 'utf8')).toBe('{"previous": true}');
    expect(readdirSync(parent)).toEqual(['rec']);
  });

  it('abort leaves no trace; a non-empty directory that is not a recording is never replaced', async () => {
    const parent = tempDir();
    const recorder = await createRecorder({ dir: join(parent, 'rec'), mode: 'record', redactor: new SecretRedactor() });
    await recorder.beginCase('x');
    await recorder.abort();
    expect(readdirSync(parent)).toEqual([]);
    const precious = join(parent, 'src');
    mkdirSync(precious);
    writeFileSync(join(precious, 'main.ts'), 'keep me');
    await expect(createRecorder({ dir: precious, mode: 'record', redactor: new SecretRedactor() })).rejects.toThrow(
      /not a recording; refusing/,
    );
    expect(existsSync(join(precious, 'main.ts'))).toBe(true);
  });
});
