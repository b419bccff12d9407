// Reading recordings back: validate before use, so that a corrupt, truncated, missing or foreign
// recording is one clear line and exit 2, never a stack trace halfway through a replay.
//
// Two kinds of input are read:
//   - a pat-conformance recording directory (meta.json + one HAR per segment), from `run
//     --record` or `proxy --record`: `openRecording`;
//   - for `check`, `replay` and `serve --replay`, also any HAR 1.2 file or a directory of them
//     (a browser's or another proxy's export): `loadTraffic`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Entry, Har } from 'har-format';
import type { Exchange, HttpMethod } from '../transport/exchange.js';
import { metaFileName, recordingFormat, recordingFormatVersion, type RecordingMeta, type SegmentMeta } from './recording-format.js';
import { RecordingError } from './errors.js';
import { utf8OrUndefined } from './utf8.js';

export interface OpenedRecording {
  dir: string;
  meta: RecordingMeta;
}

/** Fields this project adds to a HAR entry (`_patConformance`). */
export interface EntryExtras {
  /** Send order within the recording. */
  seq?: number;
  /** Path and query exactly as sent. */
  path?: string;
  /** The body was longer than the recorder keeps (1 MiB). */
  truncated?: boolean;
}

export type RecordedEntry = Entry & { _patConformance?: EntryExtras; _id?: string; _order?: number };

/** One HAR's worth of traffic: a segment of a recording, or a HAR file. */
export interface TrafficSource {
  /** "valid-delete / fresh token", or the HAR file's name. */
  name: string;
  /** The HAR file, relative to what was opened. */
  file: string;
  entries: RecordedEntry[];
}

export interface LoadedTraffic {
  /** What was opened, as given. */
  input: string;
  /** Set for a pat-conformance recording. */
  meta?: RecordingMeta;
  sources: TrafficSource[];
}

function where(input: string): string {
  return `"${input}"`;
}

function readJson(path: string, label: string, input: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RecordingError(
      `recording ${where(input)} is damaged: cannot read ${label} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (text.trim() === '') throw new RecordingError(`recording ${where(input)} is damaged: ${label} is empty`);
  try {
    return JSON.parse(text);
  } catch {
    throw new RecordingError(`recording ${where(input)} is damaged: ${label} is not valid JSON (truncated or corrupt)`);
  }
}

/** A pat-conformance recording directory, validated down to every segment's HAR. */
export function openRecording(input: string): OpenedRecording {
  const dir = resolve(input);
  if (!existsSync(dir)) throw new RecordingError(`recording ${where(input)} not found`);
  if (!statSync(dir).isDirectory()) {
    throw new RecordingError(
      `${where(input)} is not a recording directory (a recording is a directory with ${metaFileName} and HAR files)`,
    );
  }
  const metaPath = join(dir, metaFileName);
  if (!existsSync(metaPath)) {
    const hars = findHarFiles(dir);
    throw new RecordingError(
      hars.length > 0
        ? `${where(input)} holds HAR files but is not a pat-conformance recording (no ${metaFileName}); \`check\`, \`replay\` and \`serve --replay\` read plain HAR, \`run --replay\` needs a recording made by \`run --record\``
        : `${where(input)} is not a pat-conformance recording (no ${metaFileName})`,
    );
  }
  const meta = validateMeta(readJson(metaPath, metaFileName, input), input);
  for (const segment of meta.segments) readSegment(dir, segment, input);
  return { dir, meta };
}

function validateMeta(value: unknown, input: string): RecordingMeta {
  const meta = value as Partial<RecordingMeta> | null;
  if (!meta || typeof meta !== 'object' || meta.format !== recordingFormat) {
    throw new RecordingError(
      `${where(input)} is not a pat-conformance recording (${metaFileName} does not say "format": "${recordingFormat}")`,
    );
  }
  if (meta.formatVersion !== recordingFormatVersion) {
    throw new RecordingError(
      `recording ${where(input)} has format version ${String(meta.formatVersion)}; this version of pat-conformance reads version ${recordingFormatVersion}`,
    );
  }
  const problem =
    meta.kind !== 'run' && meta.kind !== 'proxy' && meta.kind !== 'explore'
      ? 'kind'
      : !meta.target || typeof meta.target.url !== 'string'
        ? 'target'
        : !Array.isArray(meta.segments)
          ? 'segments'
          : meta.kind === 'run' &&
              (!meta.run ||
                typeof meta.run.seed !== 'number' ||
                typeof meta.run.clock !== 'string' ||
                !Array.isArray(meta.run.scenarios) ||
                !meta.run.options)
            ? 'run'
            : undefined;
  if (problem) throw new RecordingError(`recording ${where(input)} is damaged: ${metaFileName} has no valid "${problem}"`);
  for (const [i, s] of meta.segments!.entries()) {
    if (
      !s ||
      typeof s.name !== 'string' ||
      typeof s.recordingName !== 'string' ||
      typeof s.exchanges !== 'number' ||
      !Array.isArray(s.transportErrors) ||
      s.index !== i
    ) {
      throw new RecordingError(`recording ${where(input)} is damaged: segment ${i} in ${metaFileName} is malformed`);
    }
  }
  return meta as RecordingMeta;
}

/** A segment's entries, checked against what meta.json says it holds. */
export function readSegment(dir: string, segment: SegmentMeta, input: string): RecordedEntry[] {
  if (!segment.file) {
    if (segment.exchanges > 0)
      throw new RecordingError(
        `recording ${where(input)} is damaged: segment "${segment.name}" has ${segment.exchanges} exchanges but no file`,
      );
    return [];
  }
  const path = resolve(dir, segment.file);
  if (!path.startsWith(dir + sep))
    throw new RecordingError(`recording ${where(input)} is damaged: segment "${segment.name}" points outside the recording`);
  if (!existsSync(path))
    throw new RecordingError(`recording ${where(input)} is damaged: ${segment.file} (segment "${segment.name}") is missing`);
  const har = validateHar(readJson(path, segment.file, input), `${segment.file}`, input);
  if (har.log.entries.length !== segment.exchanges) {
    throw new RecordingError(
      `recording ${where(input)} is damaged: ${segment.file} holds ${har.log.entries.length} exchanges, ${metaFileName} says ${segment.exchanges} (truncated?)`,
    );
  }
  return har.log.entries as RecordedEntry[];
}

/** HAR 1.2 as far as this tool relies on it; anything else is "not HAR". */
export function validateHar(value: unknown, label: string, input: string): Har {
  const har = value as Partial<Har> | null;
  const log = har && typeof har === 'object' ? har.log : undefined;
  if (!log || typeof log !== 'object' || !Array.isArray(log.entries)) {
    throw new RecordingError(
      `${label === input ? where(input) : `${label} in ${where(input)}`} is not a HAR file (expected HAR 1.2 JSON with log.entries)`,
    );
  }
  for (const [i, entry] of log.entries.entries()) {
    const e = entry as Partial<Entry> | null;
    const ok =
      e &&
      typeof e === 'object' &&
      e.request &&
      typeof e.request.method === 'string' &&
      typeof e.request.url === 'string' &&
      Array.isArray(e.request.headers) &&
      e.response &&
      typeof e.response.status === 'number' &&
      Array.isArray(e.response.headers) &&
      e.response.content &&
      typeof e.response.content === 'object';
    if (!ok) throw new RecordingError(`recording ${where(input)} is damaged: entry ${i} of ${label} is not a complete HAR entry`);
  }
  return har as Har;
}

function findHarFiles(dir: string, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findHarFiles(path, depth + 1));
    else if (entry.name.endsWith('.har')) out.push(path);
  }
  return out.sort();
}

/**
 * Any recorded traffic: a pat-conformance recording (segments in order), a directory of HAR
 * files, or one HAR file. Entries come in send order.
 */
export function loadTraffic(input: string): LoadedTraffic {
  const path = resolve(input);
  if (!existsSync(path)) throw new RecordingError(`recording ${where(input)} not found`);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, metaFileName))) {
      const { dir, meta } = openRecording(input);
      const sources = meta.segments
        .filter((s) => s.file)
        .map((s) => ({ name: s.name, file: s.file!, entries: sortBySend(readSegment(dir, s, input)) }));
      return { input, meta, sources };
    }
    const files = findHarFiles(path);
    if (files.length === 0) throw new RecordingError(`${where(input)} is not a recording: no ${metaFileName} and no .har files in it`);
    return {
      input,
      sources: files.map((file) => {
        const label = relative(path, file).split(sep).join('/');
        return {
          name: label,
          file: label,
          entries: sortBySend(validateHar(readJson(file, label, input), label, input).log.entries as RecordedEntry[]),
        };
      }),
    };
  }
  const har = validateHar(readJson(path, input, input), input, input);
  return { input, sources: [{ name: basename(path), file: basename(path), entries: sortBySend(har.log.entries as RecordedEntry[]) }] };
}

function sortBySend(entries: RecordedEntry[]): RecordedEntry[] {
  if (!entries.every((e) => typeof e._patConformance?.seq === 'number')) return entries;
  return [...entries].sort((a, b) => a._patConformance!.seq! - b._patConformance!.seq!);
}

/** Path and query as sent: the recorder's exact record, else the URL read as text (never resolved). */
export function entryPath(entry: RecordedEntry): string {
  if (typeof entry._patConformance?.path === 'string') return entry._patConformance.path;
  const url = entry.request.url;
  const withoutOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return withoutOrigin.split('#')[0] || '/';
}

/** Header list to a record: lower-case names, repeated headers joined with ", ". */
export function headerRecord(headers: Array<{ name: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of headers) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

/** The response body's bytes, as recorded (HAR stores empty bodies without text). */
export function entryBody(entry: RecordedEntry): Buffer {
  const content = entry.response.content;
  if (content.text === undefined || content.text === '') return Buffer.alloc(0);
  return Buffer.from(content.text, content.encoding === 'base64' ? 'base64' : 'utf8');
}

/** A recorded entry as the checks see an exchange. */
export function entryToExchange(entry: RecordedEntry, maxBodyBytes = 1024 * 1024): Exchange {
  const body = entryBody(entry);
  const truncated = entry._patConformance?.truncated === true || body.length > maxBodyBytes;
  const text = utf8OrUndefined(body.subarray(0, maxBodyBytes)) ?? body.subarray(0, maxBodyBytes).toString('utf8');
  const started = Date.parse(entry.startedDateTime);
  return {
    request: {
      method: entry.request.method.toUpperCase() as HttpMethod,
      path: entryPath(entry),
      headers: headerRecord(entry.request.headers),
      ...(entry.request.postData?.text !== undefined ? { body: entry.request.postData.text } : {}),
    },
    response: {
      status: entry.response.status,
      headers: headerRecord(entry.response.headers),
      body: text,
      bodyBytes: body.length,
      truncated,
    },
    startedAt: Number.isNaN(started) ? 0 : started,
    durationMs: typeof entry.time === 'number' && entry.time >= 0 ? entry.time : 0,
  };
}
