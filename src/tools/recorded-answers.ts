// Answers from a recording, for clients under test (`serve --replay`, and the nock replay of the
// library). A request is matched by method, exact path and query, and body (JSON compared
// without regard to key order or spacing); headers and credentials are not compared (a client
// under test has its own bearer). Identical requests get the recorded answers in recorded
// order: the first DELETE of an ID gets the recorded 200, the second the recorded 404.
import { errorTypeHeader } from '../contract/headers.js';
import { notServedFromRecording } from './header-lists.js';
import type { LoadedTraffic, RecordedEntry } from '../recording/recording-store.js';
import { entryBody, entryPath } from '../recording/recording-store.js';

export interface RecordedAnswer {
  status: number;
  /** Header name -> values (repeated headers keep every value), without notServedFromRecording. */
  headers: Record<string, string[]>;
  body: Buffer;
  entry: RecordedEntry;
}

export interface Miss {
  method: string;
  path: string;
}

/**
 * The answer to a request the recording does not hold, the same from `serve --replay` and the
 * nock replay: 501 with the error type PatConformanceReplayMiss (no service error has that
 * name, so no client mistakes it for the target's) and a message naming the request.
 */
export function missAnswer(method: string, path: string): { status: 501; headers: Record<string, string>; body: string } {
  const message = `pat-conformance replay: the recording holds no (further) answer for ${method} ${path}`;
  return {
    status: 501,
    headers: { 'content-type': 'application/json', [errorTypeHeader]: 'PatConformanceReplayMiss' },
    body: JSON.stringify({ message }),
  };
}

/** JSON bodies compared by value; anything else as text. */
export function normalizeBody(body: string | undefined): string {
  if (body === undefined || body === '') return '';
  try {
    return stableJson(JSON.parse(body));
  } catch {
    return body;
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function key(method: string, path: string, body: string | undefined): string {
  return `${method.toUpperCase()} ${path}\u0000${normalizeBody(body)}`;
}

export class RecordedAnswers {
  private readonly queues = new Map<string, RecordedEntry[]>();
  private readonly missed: Miss[] = [];
  private total = 0;
  private served = 0;

  constructor(traffic: LoadedTraffic) {
    for (const source of traffic.sources) {
      for (const entry of source.entries) {
        const k = key(entry.request.method, entryPath(entry), entry.request.postData?.text);
        const queue = this.queues.get(k);
        if (queue) queue.push(entry);
        else this.queues.set(k, [entry]);
        this.total++;
      }
    }
  }

  /** The next recorded answer to this request, or undefined (noted as a miss). */
  answer(method: string, path: string, body: string | undefined): RecordedAnswer | undefined {
    const entry = this.queues.get(key(method, path, body))?.shift();
    if (!entry) {
      this.missed.push({ method: method.toUpperCase(), path });
      return undefined;
    }
    this.served++;
    const headers: Record<string, string[]> = {};
    for (const { name, value } of entry.response.headers) {
      const lower = name.toLowerCase();
      if (notServedFromRecording.has(lower)) continue;
      (headers[lower] ??= []).push(value);
    }
    return { status: entry.response.status, headers, body: entryBody(entry), entry };
  }

  /** Requests that found no recorded answer, in order. */
  misses(): Miss[] {
    return [...this.missed];
  }

  /** Recorded exchanges not asked for yet ("PUT /v1/accessTokens", ...). */
  pending(): string[] {
    const out: string[] = [];
    for (const queue of this.queues.values()) for (const entry of queue) out.push(`${entry.request.method} ${entryPath(entry)}`);
    return out;
  }

  get counts(): { total: number; served: number; missed: number } {
    return { total: this.total, served: this.served, missed: this.missed.length };
  }
}
