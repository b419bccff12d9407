// Small pieces several handlers share.
import type { ServerResponse } from 'node:http';
import type { BodyResult } from '../body.js';
import { writeError } from '../errors.js';
import type { ReferenceState } from '../state.js';

/** 413 for an oversized body (and close: the rest of it is not worth reading), 400 otherwise. */
export function writeBodyError(res: ServerResponse, state: ReferenceState, body: Extract<BodyResult, { ok: false }>): void {
  if (body.kind === 'too-large') {
    writeError(res, state.options, 'RequestEntityTooLargeException', body.message, {
      headers: { connection: 'close' },
    });
    return;
  }
  writeError(res, state.options, 'ValidationException', body.message);
}
