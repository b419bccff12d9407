// Writing restJson1 errors: status, `x-amzn-errortype`, and a JSON body with `message`.
//
// This is the one place where error shape is decided, so the errortype spelling variations and
// the error-shape faults apply to every error the server sends, whichever handler raised it.
import type { ServerResponse } from 'node:http';
import type { ReferenceOptions } from './options.js';

/**
 * The status each error name travels with. The first six are the service's modelled errors.
 *
 * Independent of src/contract/ on purpose: the checks read the contract's table
 * (src/contract/errors.ts), and this server is what they are tested against. Were it the same
 * table, a wrong status in it would pass on both sides; do not import or merge it (see limits.ts).
 */
export const referenceErrorStatus = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  // Not modelled, but what gateways in front of the service answer (the contract accepts them there: docs/contract.md §3.3, §3.4).
  UnauthorizedException: 401,
  UnknownOperationException: 404,
  RequestEntityTooLargeException: 413,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
} as const;

export type ErrorName = keyof typeof referenceErrorStatus;

export interface ErrorExtras {
  /** Overrides the table's status (405 for UnknownOperationException on a known path). */
  status?: number;
  headers?: Record<string, string>;
}

const suffix = ':http://internal.amazon.com/coral/com.amazonaws.codecatalyst/';
const namespace = 'com.amazonaws.codecatalyst#';

function spell(name: string, style: ReferenceOptions['errortypeStyle']): string {
  if (style === 'suffixed') return name + suffix;
  if (style === 'namespaced') return namespace + name;
  return name;
}

export function writeError(
  res: ServerResponse,
  options: ReferenceOptions,
  name: ErrorName,
  message: string,
  extras: ErrorExtras = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const status = extras.status ?? referenceErrorStatus[name];
  const has = (f: (typeof options.faults)[number]): boolean => options.faults.includes(f);

  // error-name-mismatch: the header names a different error than the status means.
  const typeName = has('error-name-mismatch') && status === 404 ? 'ValidationException' : name;
  const headers: Record<string, string> = { ...extras.headers };
  const body: Record<string, string> = {};
  if (has('no-errortype-header')) {
    // What some servers do instead: clients fall back to it, the contract still wants the header.
    body.__type = spell(typeName, options.errortypeStyle);
  } else {
    headers['x-amzn-errortype'] = spell(typeName, options.errortypeStyle);
  }
  if (!has('no-error-message')) body.message = message;

  const plain = has('error-not-json') || (name === 'ThrottlingException' && has('throttle-not-json'));
  const text = plain ? (name === 'ThrottlingException' ? 'Rate exceeded' : message) : JSON.stringify(body);
  headers['content-type'] = plain ? 'text/plain; charset=utf-8' : 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(status, headers);
  res.end(text);
}
