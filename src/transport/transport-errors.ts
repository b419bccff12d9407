// What kind of failure a request met when no HTTP answer came back: the classes a verdict and a
// report speak of (a timeout, a refused connection, a reset, an answer that is not HTTP).
import type { TransportError } from './exchange.js';

export function classifyTransportError(error: unknown, timeoutMs: number): TransportError {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.message ?? String(error);
  if (
    e.name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    e.name === 'AbortError'
  ) {
    return { kind: 'timeout', message: `no complete answer within ${timeoutMs} ms` };
  }
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: 'connection refused (nothing listens there)' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { kind: 'dns', message: 'the host name does not resolve' };
  }
  if (
    e.name === 'HTTPParserError' ||
    code.startsWith('HPE_') ||
    /parse|does not match the HTTP|invalid (status|header|chunk|response)/i.test(message)
  ) {
    return { kind: 'protocol', message: `the answer is not valid HTTP (${code || message})` };
  }
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CLOSED' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE'
  ) {
    return { kind: 'reset', message: 'the connection was closed before a complete answer' };
  }
  return { kind: 'other', message: code ? `${code}: ${message}` : message };
}
