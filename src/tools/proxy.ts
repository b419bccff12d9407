// A recording reverse proxy: a node:http server that forwards every request to the target
// through the transport, with the recorder as its tap, so the traffic of any client (the AWS
// SDK, the AWS CLI, curl) is recorded as HAR and redacted like a run's: bearers get pseudonyms
// in order of first appearance (<identity-1>, <identity-2>, ...), token secrets become
// <token-secret>. Answers are forwarded whole, whatever their size; what the recording keeps of
// a body is capped, with a marker saying so.
//
// Each exchange goes to disk as it completes (src/recording/proxy-recorder.ts), in a hidden
// working directory; the recording is moved into place when the proxy stops (SIGINT/SIGTERM:
// `stop()`), atomically: until then DIR holds the previous recording or nothing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CannotRunError } from '../exit-codes.js';
import { SecretRedactor } from '../secrets/registry.js';
import { Transport, defaultTransportBounds } from '../transport/transport.js';
import { createProxyRecorder, type ProxyRecorder } from '../recording/proxy-recorder.js';
import type { RecordingSummary } from '../recording/recording-format.js';
import { forwardRequest, maxRequestBody, writeAnswer } from './proxy-forward.js';

export interface ProxyOptions {
  /** Base URL of the implementation the traffic goes to. */
  target: string;
  host: string;
  /** 0: a free port. */
  port: number;
  /** The recording directory (replaced when the proxy stops). */
  record: string;
  redactHeaders?: readonly string[];
  redactFields?: readonly string[];
  /** Time for one forwarded request, connect to last byte. */
  timeoutMs?: number;
  /** Exchanges per segment (one HAR file each). */
  segmentSize?: number;
  /** One line per request (method, path, status, time, pseudonym); never a bearer. */
  log?: (line: string) => void;
}

export interface RecordingProxy {
  url: string;
  port: number;
  /** Stop accepting, let requests in flight finish (bounded), write the recording. */
  stop(): Promise<RecordingSummary>;
  /** Stop without writing anything. */
  abort(): Promise<void>;
}

export async function startRecordingProxy(options: ProxyOptions): Promise<RecordingProxy> {
  const target = new URL(options.target);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const segmentSize = options.segmentSize ?? 500;
  const recorder: ProxyRecorder = await createProxyRecorder({
    dir: options.record,
    redactor: new SecretRedactor(),
    redactHeaders: options.redactHeaders,
    redactFields: options.redactFields,
    segmentSize,
  });
  // Bodies read whole (the client gets what the target sent); every client's requests go on.
  const transport = new Transport(
    options.target,
    { ...defaultTransportBounds, timeoutMs, maxBodyBytes: Number.POSITIVE_INFINITY, connections: 32, giveUpAfterFailures: 0 },
    { tap: recorder.tap },
  );

  // The caller as the log names it: its pseudonym (handed out when the request was sent), never the bearer.
  const callerOf = (req: IncomingMessage): string =>
    req.headers.authorization ? recorder.traffic.authorization(req.headers.authorization) : '-';

  const server: Server = createServer((req, res) => {
    const started = options.log ? performance.now() : 0;
    forwardRequest(
      transport,
      req,
      (outcome) => {
        if (outcome === 'too-large') return answerOwnError(res, 413, `request body over ${maxRequestBody} bytes`);
        const { answer, transportError } = outcome;
        if (!answer) {
          // The target gave no answer: the client gets the proxy's own 502/504 (not recorded as the
          // target's answer; the recording keeps the transport error apart).
          const status = transportError.kind === 'timeout' ? 504 : 502;
          answerOwnError(res, status, `no answer from the target: ${transportError.kind}`);
          options.log?.(`${req.method} ${loggable(req.url)} ${status} (target: ${transportError.kind}) ${callerOf(req)}`);
          return;
        }
        writeAnswer(res, answer);
        options.log?.(`${req.method} ${loggable(req.url)} ${answer.status} ${(performance.now() - started).toFixed(1)}ms ${callerOf(req)}`);
      },
      (error) => answerOwnError(res, 500, `proxy error: ${error.message}`),
    );
  });
  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;

  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Requests in flight get a bounded time to finish.
      setTimeout(() => server.closeAllConnections(), Math.min(timeoutMs, 5000)).unref();
    });
  };

  let stopping: Promise<RecordingSummary> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        await close();
        try {
          return await recorder.finish({ kind: 'proxy', target: { url: target.toString().replace(/\/+$/, ''), embedded: false } });
        } finally {
          await transport.close();
        }
      })();
      return stopping;
    },
    async abort() {
      server.closeAllConnections();
      server.close();
      await recorder.abort();
      await transport.close();
    },
  };
}

/** The proxy's own answers wear the API's error shape, named so nobody takes them for the target's. */
function answerOwnError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message: `pat-conformance proxy: ${message}` });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': 'PatConformanceProxyError',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function loggable(url: string | undefined): string {
  const path = (url ?? '').replace(/[\x00-\x1f\x7f]/g, '?');
  return path.length > 120 ? `${path.slice(0, 117)}...` : path;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CannotRunError(
          error.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
}
