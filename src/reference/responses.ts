// Writing successful responses with an exact content-length (the SDK and the runner both read it).
import type { ServerResponse } from 'node:http';

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** A success with no body at all: zero bytes and content-length 0, not `{}` and not chunked. */
export function writeEmpty(res: ServerResponse, status: number): void {
  // 204 must not carry content-length framing of a body; every other status says 0 explicitly.
  res.writeHead(status, status === 204 ? {} : { 'content-length': '0' });
  res.end();
}
