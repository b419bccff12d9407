// One request and what came of it: the unit every check, evidence and recording works on.

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path and query as sent on the wire, relative to the target's base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Body as UTF-8 text, at most the client's body cap. */
  body: string;
  /** Bytes read (at most the cap plus one chunk). */
  bodyBytes: number;
  /** True when the body was longer than the cap and reading stopped. */
  truncated: boolean;
}

export type TransportErrorKind =
  | 'timeout' // no complete answer within --timeout
  | 'refused' // nothing listens
  | 'dns' // the name does not resolve
  | 'reset' // the connection was closed or reset before a complete answer
  | 'protocol' // the answer was not HTTP
  | 'interrupted' // the run itself was stopped
  | 'other';

export interface TransportError {
  kind: TransportErrorKind;
  message: string;
}

export interface Exchange {
  request: HttpRequest;
  response?: HttpResponse;
  transportError?: TransportError;
  startedAt: number;
  durationMs: number;
}
