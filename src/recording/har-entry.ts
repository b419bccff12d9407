// One HAR entry exactly as @pollyjs/persister builds and writes it (its Entry, Request and
// Response classes, members sorted), from a request and the answer that came off the wire, for the proxy's recordings,
// which are written without Polly (har-segment-file.ts): readers of a recording cannot tell
// which wrote it. What the recorder adds (`_patConformance`) and redaction come after, as they
// do after Polly's `beforePersist`.
import type { Entry, Header, PostData } from 'har-format';
import type { WireRequest, WireResponse } from '../transport/wire.js';
import { statusTextOf, type PollyRequestView } from './polly-identity.js';
import { utf8OrUndefined } from './utf8.js';

export interface EntryInput {
  id: string;
  order: number;
  /** The request as Polly saw it: its URL re-serialised, and the query parsed. */
  view: PollyRequestView;
  wire: WireRequest;
  /** The request body as text (what the transport's tap hands Polly). */
  body: string | undefined;
  response: WireResponse;
  /** Bytes of the body a recording keeps; one more is kept so a reader sees it was longer. */
  recordBodyBytes: number;
  /** When the request was registered and when its answer came (ms since the epoch). */
  startedAt: number;
  answeredAt: number;
}

/**
 * The entry, and whether its body was cut at the recording's cap. Polly's fs persister writes
 * every object's members sorted by name (it stable-stringifies the HAR): they are built in that
 * order here, `_patConformance` reserved in its place, so that the file reads the same.
 */
export function buildEntry(input: EntryInput): {
  entry: Entry & { _id: string; _order: number; _patConformance?: object };
  truncated: boolean;
} {
  const { wire, response } = input;
  const method = wire.method.toUpperCase();
  const requestHeaders = nameValuePairs(wire.headers);
  const requestLength = firstHeader(wire.headers, 'content-length');
  const request: Entry['request'] = {
    bodySize: requestLength ? Number.parseInt(requestLength, 10) : input.body ? Buffer.byteLength(input.body) : 0,
    cookies: [],
    headers: requestHeaders,
    headersSize: requestHeadersSize(method, input.view.url, requestHeaders),
    httpVersion: 'HTTP/1.1',
    method,
    ...(input.body ? { postData: pollyPostData(firstHeader(wire.headers, 'content-type') || 'text/plain', input.body) } : {}),
    queryString: input.view.queryString,
    url: input.view.url,
  };

  // The recorded body: cut one byte past the cap, as text when it is UTF-8, else base64.
  const cap = input.recordBodyBytes;
  const truncated = response.truncated || response.body.length > cap;
  const kept = response.body.length > cap + 1 ? response.body.subarray(0, cap + 1) : response.body;
  const text = utf8OrUndefined(kept);
  const bodyText = text ?? kept.toString('base64');
  const responseHeaders = nameValuePairs(response.headers);
  const responseLength = firstHeader(response.headers, 'content-length');
  const size = responseLength ? Number.parseInt(responseLength, 10) : bodyText ? Buffer.byteLength(bodyText) : 0;
  const content: Entry['response']['content'] = {
    ...(bodyText && text === undefined ? { encoding: 'base64' } : {}),
    mimeType: firstHeader(response.headers, 'content-type') || 'text/plain',
    size,
    ...(bodyText ? { text: bodyText } : {}),
  };
  const harResponse: Entry['response'] = {
    bodySize: size,
    content,
    cookies: [],
    headers: responseHeaders,
    headersSize: responseHeadersSize(responseHeaders),
    httpVersion: 'HTTP/1.1',
    redirectURL: firstHeader(response.headers, 'location') || '',
    status: response.status,
    statusText: statusTextOf(response.status),
  };
  const wait = input.answeredAt - input.startedAt;
  return {
    entry: {
      _id: input.id,
      _order: input.order,
      _patConformance: undefined,
      cache: {},
      request,
      response: harResponse,
      startedDateTime: new Date(input.startedAt).toISOString(),
      time: Math.max(wait, 0),
      timings: { blocked: -1, connect: -1, dns: -1, receive: 0, send: 0, ssl: -1, wait },
    },
    truncated,
  };
}

type HeaderPair = Header & { _fromType?: 'array' };

/** Polly writes `params: []` and the text side by side, which har-format's type does not allow for. */
function pollyPostData(mimeType: string, text: string): PostData {
  const postData: PostData = { mimeType, params: [] };
  return Object.assign(postData, { text });
}

/** Polly's toNVPairs: a repeated header's values each a pair of their own, marked. */
function nameValuePairs(headers: Record<string, string | string[]>): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (const name in headers) {
    const value = headers[name]!;
    if (Array.isArray(value)) for (const v of value) pairs.push({ _fromType: 'array', name, value: v });
    else pairs.push({ name, value });
  }
  return pairs;
}

function firstHeader(headers: Record<string, string | string[]>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : value;
}

function requestHeadersSize(method: string, url: string, headers: HeaderPair[]): number {
  const text = method + url + headers.map((h) => h.name).join() + headers.map((h) => h.value).join();
  // Start line, a CRLF per header, the empty line (Polly's arithmetic).
  return Buffer.byteLength(text) + headers.length * 2 + 2 + 12 + 2;
}

function responseHeadersSize(headers: HeaderPair[]): number {
  const text = headers.map((h) => h.name).join() + headers.map((h) => h.value).join();
  return Buffer.byteLength(text) + headers.length * 2 + 2 + 2;
}
