// What a response says, read once: status, parsed JSON, the error name as clients read it.
import type { Exchange } from '../transport/exchange.js';
import { retryAfterHeader } from '../contract/headers.js';
import { readErrorName } from './error-name.js';

export interface ResponseReading {
  status?: number;
  /** Zero-byte body. */
  empty: boolean;
  /** Parsed JSON body, when it is JSON. */
  json?: unknown;
  isJson: boolean;
  /** The error name a client would read (header, then body members). */
  errorName?: string;
  errorNameFrom?: 'header' | 'body.__type' | 'body.code';
}

export function readResponse(exchange: Exchange): ResponseReading {
  const response = exchange.response;
  if (!response) return { empty: true, isJson: false };
  const empty = response.bodyBytes === 0;
  let json: unknown;
  let isJson = false;
  if (!empty && !response.truncated) {
    try {
      json = JSON.parse(response.body);
      isJson = true;
    } catch {
      isJson = false;
    }
  }
  const name = response.status >= 300 ? readErrorName(response.headers, json) : {};
  return { status: response.status, empty, json, isJson, errorName: name.name, errorNameFrom: name.from };
}

/** A 429 as the contract describes throttling (§4); any 429 is waited out, only these are well-formed. */
export function isThrottled(exchange: Exchange): boolean {
  return exchange.response?.status === 429;
}

/** The wait a 429 asks for; a date is measured from `now`, the run's clock (src/engine/clock.ts). */
export function retryAfterMs(exchange: Exchange, now: number): number | undefined {
  const value = exchange.response?.headers[retryAfterHeader];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
