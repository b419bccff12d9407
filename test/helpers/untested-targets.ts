// Targets written for the tests of test/untested-*.test.ts: a forwarding server in front of the
// reference implementation that sees every request (bearer, body, how many are in flight at
// once), can hold a request before forwarding it and can change the answer on its way back;
// and a few helpers to read recordings and to wait for a condition without a fixed sleep.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';

export interface SeenRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** The Authorization header as received ('' when absent). */
  authorization: string;
  body: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface ForwarderHooks {
  /** Runs before the request is forwarded; the request stays in flight until it resolves. */
  hold?: (seen: SeenRequest, index: number) => Promise<void> | void;
  /** Changes the target's answer before the client gets it. */
  rewrite?: (seen: SeenRequest, answer: Answer) => Answer;
}

export interface Forwarder {
  url: string;
  /** Every request, in arrival order. */
  readonly seen: SeenRequest[];
  /** Requests received and whose answer is not yet being written, now. */
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly maxInFlight: number;
  close(): Promise<void>;
}

/** Headers a forwarder never copies (hop-by-hop, and what undici sets itself). */
const notForwarded = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'expect',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
]);

function plain(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !notForwarded.has(name.toLowerCase())) out[name] = value;
  return out;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A node:http server that forwards every request to `targetUrl`, watching and optionally changing it. */
export async function startForwarder(targetUrl: string, hooks: ForwarderHooks = {}): Promise<Forwarder> {
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    // A request stops counting just before its answer is written: a client that waits for an
    // answer before sending again can then never be counted twice.
    res.once('close', done);
    void (async () => {
      const body = await readAll(req);
      const info: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization ?? '',
        body: body.toString('utf8'),
      };
      const index = seen.push(info) - 1;
      await hooks.hold?.(info, index);
      const answer = await request(`${targetUrl}${info.url}`, {
        method: info.method as 'GET',
        headers: plain(req.headers),
        body: body.length > 0 ? body : undefined,
      });
      let out: Answer = { status: answer.statusCode, headers: plain(answer.headers), body: Buffer.from(await answer.body.arrayBuffer()) };
      if (hooks.rewrite) out = hooks.rewrite(info, out);
      done();
      res.writeHead(out.status, { ...out.headers, 'content-length': String(out.body.length) });
      res.end(out.body);
    })().catch(() => res.destroy());
  });
  const url = await listen(server);
  return {
    url,
    seen,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: () => closeServer(server),
  };
}

/** Every file under dir, as text, with its path relative to dir. */
export async function filesUnder(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out.push({ path: path.slice(dir.length + 1), text: await readFile(path, 'utf8') });
    }
  }
  return out;
}

export async function allText(dir: string): Promise<string> {
  return (await filesUnder(dir)).map((f) => f.text).join('\n');
}

export interface HarEntry {
  request: { method: string; url: string; headers: Array<{ name: string; value: string }>; postData?: { text?: string } };
  response: { status: number; headers: Array<{ name: string; value: string }>; content: { text?: string } };
}

/** Every HAR entry of a recording directory, in file order. */
export async function harEntries(dir: string): Promise<HarEntry[]> {
  const out: HarEntry[] = [];
  for (const file of await filesUnder(dir)) {
    if (file.path.endsWith('.har')) out.push(...(JSON.parse(file.text) as { log: { entries: HarEntry[] } }).log.entries);
  }
  return out;
}

/** Resolves once `condition` holds, checking on every turn of the event loop; rejects after `limitMs` (a hang guard, not a measurement). */
export async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise with its resolve, for holding requests until a test releases them. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
