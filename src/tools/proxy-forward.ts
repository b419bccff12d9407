// The recording proxy's forwarding, from the client's request to the answer written back, in one
// place: `proxy` (proxy.ts) forwards with it, and so does the benchmark's forward-only peer
// (bench/forward-peer.ts), so that `proxy --record / forward-only` measures the recording alone.
// Every forwarded request goes through here, so it does without what a request does not need:
// no promise of its own for the body or the handler, no arrays of entries to copy headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMethod } from '../transport/exchange.js';
import type { Forwarded, Transport } from '../transport/transport.js';
import type { WireResponse } from '../transport/wire.js';

/** Request bodies this API sends are small; anything bigger is refused rather than buffered. */
export const maxRequestBody = 10 * 1024 * 1024;

/** Hop-by-hop headers (RFC 9110, 7.6.1) are the proxy's own business, never forwarded. */
export const hopByHop: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

/** What became of one request: forwarded (the answer or why there was none), or refused for its size. */
export type ForwardOutcome = Forwarded | 'too-large';

/**
 * Read the request's body, forward it, and hand the outcome to `done`, which answers the client
 * (`writeAnswer` for an answer). `failed`: the request could not be read, or `done` threw (an
 * answer node:http refuses to write, say).
 */
export function forwardRequest(
  transport: Transport,
  req: IncomingMessage,
  done: (outcome: ForwardOutcome) => void,
  failed: (error: Error) => void,
): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > maxRequestBody) {
      refused = true;
      req.pause();
      try {
        done('too-large');
      } catch (error) {
        failed(error as Error);
      }
      return;
    }
    // Most bodies come in one chunk: an array only from the second on.
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const body = more ? Buffer.concat(more, size) : (first ?? emptyBody);
    try {
      transport
        .forward({ method: (req.method ?? 'GET') as HttpMethod, path: req.url ?? '/', headers: forwardedHeaders(req) }, body)
        .then(done)
        .catch(failed);
    } catch (error) {
      failed(error as Error);
    }
  });
  req.on('error', failed);
}

const emptyBody = Buffer.alloc(0);

/** The request's headers as they go on: hop-by-hop ones left out, repeated ones joined. */
function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const incoming = req.headers;
  for (const name in incoming) {
    const value = incoming[name];
    if (value !== undefined && !hopByHop.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The target's answer passed on whole: its headers but the hop-by-hop ones, its length as forwarded. */
export function writeAnswer(res: ServerResponse, answer: WireResponse): void {
  const out: Record<string, string | string[]> = {};
  const headers = answer.headers;
  for (const name in headers) {
    if (!hopByHop.has(name) && name !== 'content-length') out[name] = headers[name]!;
  }
  out['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, out);
  res.end(answer.body);
}
