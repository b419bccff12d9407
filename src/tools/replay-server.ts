// `serve --replay DIR`: a server that answers clients from a recording instead of implementing
// the API (recorded-answers.ts says how requests are matched). A request the recording does not
// hold is answered 501 with the error type PatConformanceReplayMiss and a message naming it, and
// is logged; nothing is ever forwarded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CannotRunError } from '../exit-codes.js';
import { missAnswer, RecordedAnswers, type Miss } from './recorded-answers.js';
import { loadTraffic } from '../recording/recording-store.js';

export interface ReplayServerOptions {
  /** A recording directory, a directory of HAR files, or a HAR file. */
  recording: string;
  host: string;
  port: number;
  /** One line per request (never a credential). */
  log?: (line: string) => void;
}

export interface ReplayServer {
  url: string;
  port: number;
  /** Requests that found no recorded answer. */
  misses(): Miss[];
  counts(): { total: number; served: number; missed: number };
  close(): Promise<void>;
}

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const answers = new RecordedAnswers(loadTraffic(options.recording));
  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => respond(req, res, body))
      .catch(() => res.destroy());
  });
  const respond = (req: IncomingMessage, res: ServerResponse, body: string | undefined): void => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const answer = answers.answer(method, path, body);
    if (!answer) {
      const miss = missAnswer(method, path);
      res.writeHead(miss.status, { ...miss.headers, 'content-length': Buffer.byteLength(miss.body) });
      res.end(miss.body);
      options.log?.(`${method} ${loggable(path)} 501 MISS (not in the recording)`);
      return;
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
    options.log?.(`${method} ${loggable(path)} ${answer.status} (recorded)`);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CannotRunError(
          error.code === 'EADDRINUSE'
            ? `port ${options.port} on ${options.host} is already in use`
            : `cannot listen on ${options.host}:${options.port}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    misses: () => answers.misses(),
    counts: () => answers.counts,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', reject);
  });
}

function loggable(path: string): string {
  const clean = path.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}
