// Reading an error's name as AWS clients do (docs/contract.md §3.3). Which names there are, and
// the status each comes with, is the contract's table (src/contract/errors.ts).
import { errorTypeHeader } from '../contract/headers.js';

/**
 * `AccessDeniedException:http://internal...` is `AccessDeniedException`;
 * `com.amazonaws.codecatalyst#ConflictException` is `ConflictException`.
 */
export function sanitizeErrorName(raw: string): string {
  let name = raw.trim();
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  const hash = name.lastIndexOf('#');
  if (hash >= 0) name = name.slice(hash + 1);
  return name.trim();
}

export interface ErrorNameReading {
  /** The name as a client would read it, or undefined when none can be found. */
  name?: string;
  /** Where it came from: the header servers must send, or a body member clients fall back to. */
  from?: 'header' | 'body.__type' | 'body.code';
}

export function readErrorName(headers: Record<string, string>, parsedBody: unknown): ErrorNameReading {
  const header = headers[errorTypeHeader];
  if (header !== undefined && header.trim() !== '') return { name: sanitizeErrorName(header), from: 'header' };
  if (parsedBody && typeof parsedBody === 'object') {
    const body = parsedBody as Record<string, unknown>;
    if (typeof body.__type === 'string') return { name: sanitizeErrorName(body.__type), from: 'body.__type' };
    if (typeof body.code === 'string') return { name: sanitizeErrorName(body.code), from: 'body.code' };
  }
  return {};
}
