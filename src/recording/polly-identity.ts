// How Polly names a request and a recording, computed without a Polly instance: the proxy
// writes its recordings itself (har-segments.ts) but they must read like Polly's, down to each
// entry's `_id` (md5 of the request's identifiers, stable-stringified) and `_order` (how many
// identical requests came before it in the segment), and each segment's directory
// (`<slug>_<fnv1a hash>`). The URL and its query are normalised by Polly's own URL class (url-parse
// with Polly's query parser), loaded from where @pollyjs/core loads it: a second implementation
// of that would drift.
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Entry } from 'har-format';
import { pollyStatusTexts } from './polly-status-texts.js';

interface PollyUrl {
  readonly query: Record<string, unknown>;
  href: string;
  set(part: string, value: unknown): void;
  toString(): string;
}

interface PollyUtils {
  URL: new (url: string, parse?: boolean) => PollyUrl;
  HTTP_STATUS_CODES: Record<number, string>;
}

const requireFromCore = createRequire(createRequire(import.meta.url).resolve('@pollyjs/core'));
/** Loaded on first use (about 75 ms with the qs it loads): most requests never need it. */
let loadedUtils: PollyUtils | undefined;
const pollyUtils = (): PollyUtils => (loadedUtils ??= requireFromCore('@pollyjs/utils') as PollyUtils);
/** The slugify Polly names recordings with (dashes collapsed, ends trimmed): its directories must be found. */
const slugify = requireFromCore('slugify') as (text: string) => string;

/** The version Polly writes in a HAR's creator. */
export const pollyVersion = (requireFromCore('@pollyjs/core/package.json') as { version: string }).version;

export function statusTextOf(status: number): string {
  return pollyStatusTexts[status] ?? pollyStatusTexts[200]!;
}

/** The path with every `%` that does not start a valid escape written as `%25` (Polly's router throws on them). */
export function pathPollyCanRead(path: string): string {
  // Without a `%` there is nothing to rewrite (most paths): no escape to check, none to decode.
  if (!path.includes('%')) return path;
  const escaped = path.replace(/%(?![0-9A-Fa-f]{2})/g, '%25');
  // Valid escapes of bytes that are not UTF-8 also make decodeURIComponent throw.
  return escaped
    .split('/')
    .map((segment) => {
      try {
        decodeURIComponent(segment);
        return segment;
      } catch {
        return segment.replace(/%/g, '%25');
      }
    })
    .join('/');
}

/**
 * Headers that never take part in matching a request to its recording: credentials (the caller
 * is matched by pseudonym instead), and what clients vary from call to call.
 */
export const unmatchedHeaders = [
  'authorization',
  'user-agent',
  'date',
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'accept-encoding',
  'expect',
  'transfer-encoding',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'x-amz-user-agent',
  'x-amz-date',
  'x-amzn-trace-id',
  'traceparent',
  'tracestate',
];

/** What recorder.ts's `matchRequestsBy.url` keeps of a URL: path and query, nothing of the address. */
const urlPartsDropped = ['protocol', 'username', 'password', 'hostname', 'port', 'hash'] as const;

export interface PollyRequestView {
  /** `request.url` of the HAR entry (Polly's re-serialisation of the absolute URL). */
  url: string;
  /** `request.queryString` of the HAR entry. */
  queryString: Entry['request']['queryString'];
  /** The URL as the request's identity sees it (path and sorted query). */
  identityUrl: string;
}

/** The URL as Polly records it and as it takes part in a request's identity. */
export function pollyUrlOf(absoluteUrl: string): PollyRequestView {
  const parsed = new (pollyUtils().URL)(absoluteUrl, true);
  const url = parsed.toString();
  const queryString = toNameValuePairs(parsed.query);
  // Only what the identity keeps: no address, the query's members sorted (Polly's normaliser).
  const identity = new (pollyUtils().URL)(url, true);
  for (const part of urlPartsDropped) identity.set(part, '');
  if (identity.query && typeof identity.query === 'object') identity.set('query', JSON.parse(stableStringify(identity.query)));
  return { url, queryString, identityUrl: identity.href };
}

/**
 * A path of these characters alone (no query, no fragment, no backslash, nothing url-parse
 * rewrites) is kept as it is by Polly's URL: the request's view is its origin's, plus the path.
 * What the API's clients send is nearly always such a path, and url-parse costs more than
 * everything else the recorder does for a request.
 */
const plainPath = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const origins = new Map<string, string>();
const plainOrigin = /^https?:\/\/[a-z0-9.-]+(:[1-9][0-9]{0,4})?$/;

function isWhatwgOrigin(origin: string): boolean {
  try {
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

/** `pollyUrlOf(origin + path)`, without parsing the URL again and again. */
export function pollyUrlOfRequest(origin: string, path: string): PollyRequestView {
  if (!plainPath.test(path)) return pollyUrlOf(origin + path);
  let recordedOrigin = origins.get(origin);
  if (recordedOrigin === undefined) {
    // Polly's form of the origin (a default port dropped, ...): the URL of its root, less the `/`.
    // An origin as WHATWG's URL writes it (lower case, no default port, no user) is already
    // Polly's form when its host is a plain name or IPv4 address.
    recordedOrigin = isWhatwgOrigin(origin) && plainOrigin.test(origin) ? origin : pollyUrlOf(`${origin}/`).url.slice(0, -1);
    origins.set(origin, recordedOrigin);
  }
  return { url: recordedOrigin + path, queryString: [], identityUrl: path };
}

/** Polly's `toNVPairs`: one pair per value, an array's values marked so they can be read back as one. */
export function toNameValuePairs(o: Record<string, unknown>): Array<{ name: string; value: string; _fromType?: 'array' }> {
  const pairs: Array<{ name: string; value: string; _fromType?: 'array' }> = [];
  for (const name of Object.keys(o)) {
    const value = o[name];
    if (Array.isArray(value)) for (const v of value) pairs.push({ _fromType: 'array', name, value: v as string });
    else pairs.push({ name, value: value as string });
  }
  return pairs;
}

export interface PollyIdentifiers {
  method: string;
  identityUrl: string;
  /** Header names lower-case; the unmatched ones left out. */
  headers: Record<string, string | string[]>;
  body: string | undefined;
  /** Added by the project's adapter: the caller's pseudonym. */
  caller: string;
}

/** A request's `_id`: md5 of its identifiers, stable-stringified (what Polly's `_identify` computes). */
export function pollyRequestId(identifiers: PollyIdentifiers): string {
  // stableStringify({ headers, method, url, body, caller }) written out: its members in sorted
  // order, the body left out when empty (Polly leaves out an empty body; its serialisers then set
  // the member to undefined, which stringifying drops). The recorder computes one per request.
  const { body, caller, headers, method, identityUrl } = identifiers;
  const text =
    `{${body === undefined || body === '' ? '' : `"body":${JSON.stringify(body)},`}` +
    `${caller === undefined ? '' : `"caller":${JSON.stringify(caller)},`}` +
    `"headers":${stableStringify(headers)},"method":${JSON.stringify(method.toUpperCase())},"url":${JSON.stringify(identityUrl)}}`;
  return hash('md5', text, 'hex');
}

/** fast-json-stable-stringify for the plain JSON values identifiers hold: members sorted by name. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const members: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    members.push(`${JSON.stringify(key)}:${stableStringify(record[key])}`);
  }
  return `{${members.join(',')}}`;
}

/** Polly's recording id (`guidForRecording`) of a name without `/` (the recorders write `-` for it). */
export function pollyRecordingId(name: string): string {
  const hash = String(fnv1a32(name));
  // Polly's sanitize (every non-word character becomes `-`), then its slugify.
  const slug = slugify(name.replace(/\W/g, '-')).substring(0, 100 - hash.length - 1);
  return `${slug}_${hash}`;
}

/** 32-bit FNV-1a over the UTF-8 of the text, as @sindresorhus/fnv1a 2 computes it. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
