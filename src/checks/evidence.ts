// Turning an exchange into evidence a person can read, with every secret removed.
import type { Exchange } from '../transport/exchange.js';
import type { SecretRedactor } from '../secrets/registry.js';
import type { Evidence } from '../verdict.js';
import type { SchemaFailure } from './body-validation.js';

/** Enough of a body to see what is wrong with it, short enough to read in a report. */
export const evidenceBodyLimit = 2000;

function cut(text: string, limit: number): { text: string; cut: boolean } {
  return text.length > limit ? { text: text.slice(0, limit), cut: true } : { text, cut: false };
}

export function toEvidence(exchange: Exchange, redactor: SecretRedactor, schemaFailure?: SchemaFailure): Evidence {
  const { request, response, transportError } = exchange;
  const evidence: Evidence = {
    request: {
      method: request.method,
      path: redactor.text(cut(request.path, 300).text),
      headers: redactor.headers(request.headers),
      ...(request.body !== undefined ? { body: redactor.text(cut(request.body, evidenceBodyLimit).text) } : {}),
    },
  };
  if (response) {
    const body = cut(response.body, evidenceBodyLimit);
    evidence.response = {
      status: response.status,
      headers: redactor.headers(response.headers),
      body: redactor.text(body.text),
      truncated: body.cut || response.truncated,
    };
  }
  if (transportError) evidence.transportError = `${transportError.kind}: ${transportError.message}`;
  if (schemaFailure) {
    evidence.schemaPath = schemaFailure.schemaPath;
    evidence.instancePath = schemaFailure.instancePath;
  }
  return evidence;
}
