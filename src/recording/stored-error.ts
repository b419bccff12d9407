// Transport errors as a recording keeps them apart from its HAR (they are not answers), and as
// replay re-creates them: enough of the error for the transport to classify it the same way.

/** A transport error as it can be stored and re-created. */
export interface StoredTransportError {
  name: string;
  code?: string;
  message: string;
  causeCode?: string;
}

/** Enough of an error to re-create what the transport classifies (name, code, cause code). */
export function storeError(error: unknown): StoredTransportError {
  const e = error as { name?: string; code?: unknown; message?: string; cause?: { code?: unknown } };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.cause?.code === 'string' ? { causeCode: e.cause.code } : {}),
  };
}

export function restoreError(stored: StoredTransportError): Error {
  const error = new Error(stored.message) as Error & { code?: string; cause?: unknown };
  Object.defineProperty(error, 'name', { value: stored.name, enumerable: false, configurable: true, writable: true });
  if (stored.code) error.code = stored.code;
  if (stored.causeCode) error.cause = { code: stored.causeCode };
  return error;
}
