// Reading a JSON request body with a size cap.
//
// A client mistake here (too big, not UTF-8, not JSON, not an object) must end as a 4xx and
// never as a crash, so every failure is a value the handler turns into an error response.
import type { IncomingMessage } from 'node:http';

/** restJson1 bodies of these operations are tiny; 64 KiB is far beyond any legitimate one. */
export const maxBodyBytes = 64 * 1024;

export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; kind: 'too-large' | 'invalid'; message: string };

/** Reads the body and parses it as a JSON object; an empty body counts as `{}`. */
export async function readJsonObject(req: IncomingMessage): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge();

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Stop buffering at once: a chunked body has no declared length to check up front.
      if (size > maxBodyBytes) return tooLarge();
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, kind: 'invalid', message: 'The request body could not be read' };
  }

  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { ok: true, value: {} };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, kind: 'invalid', message: 'The request body is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'invalid', message: 'The request body is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, kind: 'invalid', message: 'The request body must be a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function tooLarge(): BodyResult {
  return { ok: false, kind: 'too-large', message: `The request body is larger than ${maxBodyBytes} bytes` };
}

/** The member, with JSON null treated as absent (restJson1 reads null as "not set"). */
export function member(body: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(body, name) && body[name] !== null ? body[name] : undefined;
}
