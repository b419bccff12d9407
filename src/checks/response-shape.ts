// The shape rules that hold for every response of every scenario (docs/contract.md §3.1 to §3.3,
// judged on every exchange as §7 says). A scenario judges behaviour; this judges form, on every exchange.
import type { Exchange } from '../transport/exchange.js';
import type { OperationName } from '../contract/operations.js';
import { errorStatus, isModeledError } from '../contract/errors.js';
import { errorTypeHeader } from '../contract/headers.js';
import { cite } from '../contract/sections.js';
import { readResponse } from './response-reading.js';
import { validateBody, type SchemaFailure } from './body-validation.js';

export interface ShapeFinding {
  rule: string;
  source: string;
  message: string;
  schemaFailure?: SchemaFailure;
}

const errorsSource = cite('3.3');

export const shapeRules = {
  errorHeader: `every error names itself in the ${errorTypeHeader} header`,
  errorJson: 'every error body is a JSON object with a string message',
  errorNameStatus: 'an error name from the table comes with its status',
  throttleName: 'a 429 is a ThrottlingException',
  successBody: "every success body matches its operation's schema",
  deleteBody: 'a successful delete has a zero-byte body or {}',
  pageSize: 'a page of ListAccessTokens holds at most the maxResults asked for',
} as const;

/** The maxResults a ListAccessTokens request asked for, if it asked. */
function askedMaxResults(exchange: Exchange): number | undefined {
  try {
    const body = JSON.parse(exchange.request.body ?? '{}') as { maxResults?: unknown };
    return typeof body.maxResults === 'number' ? body.maxResults : undefined;
  } catch {
    return undefined;
  }
}

export function judgeShape(exchange: Exchange, operation: OperationName | undefined): ShapeFinding[] {
  const response = exchange.response;
  if (!response) return [];
  const reading = readResponse(exchange);
  const findings: ShapeFinding[] = [];
  if (response.status >= 400) {
    if (!response.headers[errorTypeHeader]) {
      findings.push({
        rule: shapeRules.errorHeader,
        source: errorsSource,
        message: `a ${response.status} came without ${errorTypeHeader}${reading.errorName ? ` (body names ${reading.errorName})` : ''}`,
      });
    }
    if (!reading.isJson) {
      findings.push({
        rule: shapeRules.errorJson,
        source: errorsSource,
        message: response.truncated
          ? `the ${response.status} error body is larger than the client reads`
          : `the ${response.status} error body is not JSON (content-type ${response.headers['content-type'] ?? 'none'})`,
      });
    } else {
      const failure = validateBody('Error', reading.json);
      if (failure) {
        findings.push({ rule: shapeRules.errorJson, source: errorsSource, message: failure.message, schemaFailure: failure });
      }
    }
    const name = reading.errorName;
    if (name && isModeledError(name) && errorStatus[name] !== response.status) {
      findings.push({
        rule: shapeRules.errorNameStatus,
        source: errorsSource,
        message: `${name} must come with ${errorStatus[name]}, not ${response.status}`,
      });
    }
    if (response.status === 429 && name !== 'ThrottlingException') {
      findings.push({
        rule: shapeRules.throttleName,
        source: errorsSource,
        message: `a 429 named ${name ?? '(nothing)'} instead of ThrottlingException`,
      });
    }
    return findings;
  }
  if (response.status >= 200 && response.status < 300 && operation) {
    if (operation === 'DeleteAccessToken') {
      if (reading.empty) return findings;
      const failure = reading.isJson ? validateBody('DeleteAccessToken', reading.json) : undefined;
      if (!reading.isJson || failure) {
        findings.push({
          rule: shapeRules.deleteBody,
          source: cite('3.1'),
          message: `the delete answered ${response.status} with a body of ${response.bodyBytes} bytes that is not {}`,
          schemaFailure: failure,
        });
      }
      return findings;
    }
    if (!reading.isJson) {
      findings.push({
        rule: shapeRules.successBody,
        source: cite('3.2'),
        message: `${operation} answered ${response.status} with a body that is not JSON`,
      });
      return findings;
    }
    const failure = validateBody(operation, reading.json);
    if (failure) {
      findings.push({
        rule: shapeRules.successBody,
        source: cite('3.2'),
        message: `${operation}: ${failure.message}`,
        schemaFailure: failure,
      });
    } else if (operation === 'ListAccessTokens') {
      const asked = askedMaxResults(exchange);
      const items = (reading.json as { items: unknown[] }).items.length;
      if (asked !== undefined && items > asked) {
        findings.push({
          rule: shapeRules.pageSize,
          source: cite('2.2'),
          message: `a page of ${items} items answered a request for maxResults ${asked}`,
        });
      }
    }
  }
  return findings;
}
