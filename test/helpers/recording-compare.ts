// Recording the same traffic through Polly and through the project's own HAR writers
// (segment-writer.ts): a target whose answers vary, the requests, and the files without what
// depends on the clock. Shared by test/proxy-recorder.test.ts and test/run-recorder.test.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { HttpMethod } from '../../src/transport/exchange.js';
import { Transport, defaultTransportBounds, type TrafficTap } from '../../src/transport/transport.js';

/** A target whose answers vary with the request: JSON, empty, binary, a secret, a Set-Cookie, a Location. */
export async function variedTarget(cleanups: Array<() => Promise<unknown> | unknown>): Promise<string> {
  let created = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '/';
      if (req.method === 'PUT') {
        created++;
        res.writeHead(201, {
          'content-type': 'application/json',
          'set-cookie': ['a=1', 'b=2'],
          'x-echo': `secret-number-${created}-abcdefgh`,
        });
        res.end(JSON.stringify({ secret: `secret-number-${created}-abcdefgh`, accessTokenId: `id-${created}` }));
      } else if (url.startsWith('/binary')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
      } else if (url.startsWith('/moved')) {
        res.writeHead(302, { location: '/elsewhere?x=1' });
        res.end();
      } else if (req.method === 'DELETE') {
        res.writeHead(200, { 'content-length': '0' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url, echo: url.includes('secret-number-1') ? 'secret-number-1-abcdefgh' : null }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const requests: Array<{ method: HttpMethod; path: string; bearer?: string; body?: string }> = [
  { method: 'PUT', path: '/v1/accessTokens', bearer: 'first-bearer-0123456789', body: '{"name":"a"}' },
  { method: 'PUT', path: '/v1/accessTokens', bearer: 'first-bearer-0123456789', body: '{"name":"a"}' },
  { method: 'POST', path: '/v1/accessTokens', bearer: 'second-bearer-0123456789', body: '{}' },
  { method: 'POST', path: '/v1/accessTokens', bearer: 'first-bearer-0123456789', body: '{}' },
  { method: 'POST', path: '/v1/accessTokens', bearer: 'first-bearer-0123456789', body: '{}' },
  { method: 'DELETE', path: '/v1/accessTokens/id-1', bearer: 'first-bearer-0123456789' },
  { method: 'DELETE', path: '/v1/accessTokens/secret-number-1-abcdefgh', bearer: 'first-bearer-0123456789' },
  { method: 'DELETE', path: '/v1/accessTokens/%zz%2F..%2e', bearer: 'first-bearer-0123456789' },
  { method: 'GET', path: '/v1/accessTokens?b=2&a=1&a=0&c', bearer: 'first-bearer-0123456789' },
  { method: 'GET', path: '/v1/x?q=%E2%82%AC+y&nested[k]=v#frag' },
  { method: 'GET', path: '/binary' },
  { method: 'GET', path: '/moved' },
  { method: 'GET', path: '//double/slash' },
];

export async function record(tap: TrafficTap, url: string): Promise<void> {
  const transport = new Transport(url, { ...defaultTransportBounds, connections: 1, giveUpAfterFailures: 0 }, { tap });
  try {
    for (const r of requests) {
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'test' };
      if (r.bearer) headers.authorization = `Bearer ${r.bearer}`;
      if (r.body !== undefined) headers['content-type'] = 'application/json';
      await transport.forward({ method: r.method, path: r.path, headers }, r.body === undefined ? undefined : Buffer.from(r.body));
    }
  } finally {
    await transport.close();
  }
}

/** Each target has a port of its own, and node:http dates its answers. */
export function unclocked(text: string): string {
  return text.replace(/127\.0\.0\.1:\d+/g, 'target').replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/g, 'DATE');
}

/** A recording's HAR files by their path, entries without what depends on the clock. */
export function harFiles(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.har')) continue;
    const path = join(entry.parentPath, entry.name);
    const har = JSON.parse(readFileSync(path, 'utf8')) as { log: { entries: Array<Record<string, unknown>> } };
    for (const e of har.log.entries) {
      delete e.startedDateTime;
      delete e.time;
      delete e.timings;
    }
    out[path.slice(dir.length)] = JSON.parse(unclocked(JSON.stringify(har)));
  }
  return out;
}
