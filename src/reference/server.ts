// The reference implementation of the CodeCatalyst access-token API on node:http.
//
// The order of checks on every request is fixed: route (pure), authentication, throttling, then
// the operation's own validation. Authentication first means an unauthenticated request learns
// nothing and costs no bucket; throttling before validation means a throttled request has no
// effect at all. A client mistake is a 4xx; only a bug in this file's callees can produce a 500
// (and the faults that exist to produce one).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CannotRunError } from '../exit-codes.js';
import { authenticate } from './auth.js';
import { writeError } from './errors.js';
import { createAccessToken } from './handlers/create.js';
import { deleteAccessToken, deleteWithoutId } from './handlers/delete.js';
import { listAccessTokens } from './handlers/list.js';
import { verifySession } from './handlers/session.js';
import { resolveRoute, type Route } from './routes.js';
import { resolveReferenceOptions, type ReferenceOptions } from './options.js';
import { createState, type ReferenceState, type RequestContext } from './state.js';
import { answerIfThrottled } from './throttle.js';

export interface ReferenceServer {
  /** `http://host:port`, no trailing slash: what a client takes as its endpoint. */
  url: string;
  host: string;
  port: number;
  /** The options in effect, defaults filled in. */
  options: ReferenceOptions;
  /** Stops listening, ends every connection (keep-alive ones too) and cancels deletes in flight. */
  close(): Promise<void>;
}

/** Paths in the request log are cut here: a 4096-character ID would drown the log. */
const maxLoggedPath = 120;

export async function startReferenceServer(options?: Partial<ReferenceOptions>): Promise<ReferenceServer> {
  const resolved = resolveReferenceOptions(options);
  const state = createState(resolved);
  const server = createServer((req, res) => handle(req, res, state));

  await listen(server, resolved.host, resolved.port);
  const { port } = server.address() as AddressInfo;
  const host = resolved.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    options: resolved,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${host}:${port}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use`
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
            ? `cannot listen on ${where}: no such local address`
            : error.code === 'EACCES'
              ? `cannot listen on ${where}: permission denied`
              : `cannot listen on ${where}: ${error.message}`;
      reject(new CannotRunError(reason));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function handle(req: IncomingMessage, res: ServerResponse, state: ReferenceState): void {
  const started = performance.now();
  let who = '-';
  res.setHeader('x-amzn-requestid', randomUUID());
  const log = state.options.log;
  if (log) {
    res.once('close', () => {
      const status = res.writableFinished ? String(res.statusCode) : 'dropped';
      const ms = (performance.now() - started).toFixed(1);
      log(`${req.method ?? '-'} ${loggablePath(req.url)} ${status} ${ms}ms ${who}`);
    });
  }

  const latency = state.options.latencyMs;
  if (latency > 0) {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      answer(req, res, state, (name) => (who = name));
    }, latency);
    state.timers.add(timer);
    return;
  }
  answer(req, res, state, (name) => (who = name));
}

function answer(req: IncomingMessage, res: ServerResponse, state: ReferenceState, identified: (name: string) => void): void {
  dispatch(req, res, state, identified).catch(() => {
    // A bug, not a client mistake: answer 500 rather than crash the process or hang the client.
    if (res.headersSent) res.destroy();
    else writeError(res, state.options, 'InternalServerException', 'Internal error in the reference implementation');
  });
}

async function dispatch(req: IncomingMessage, res: ServerResponse, state: ReferenceState, identify: (name: string) => void): Promise<void> {
  const route = resolveRoute(req.method, req.url, state.fault('id-last-segment'));
  const auth = authenticate(req.headers.authorization, state);
  if (!auth.ok) {
    return writeError(res, state.options, 'UnauthorizedException', auth.message, {
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  identify(auth.identity.name);
  const key = auth.identity.key;
  const othersInFlight = state.inFlight.get(key) ?? 0;
  const ctx: RequestContext = { req, res, state, identity: auth.identity, othersInFlight };
  if (answerIfThrottled(ctx, route)) return;
  state.inFlight.set(key, (state.inFlight.get(key) ?? 0) + 1);
  try {
    // Yield one turn of the event loop: requests that arrived together are then in flight
    // together, which is what the in-flight limit counts (otherwise each would run to its end
    // before the next socket is even read).
    if (state.options.maxInFlight > 0 && state.options.rate > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await runRoute(ctx, route);
  } finally {
    const left = (state.inFlight.get(key) ?? 1) - 1;
    if (left === 0) state.inFlight.delete(key);
    else state.inFlight.set(key, left);
  }
}

async function runRoute(ctx: RequestContext, route: Route): Promise<void> {
  const { res, state } = ctx;
  switch (route.kind) {
    case 'create':
      return createAccessToken(ctx);
    case 'list':
      return listAccessTokens(ctx);
    case 'delete':
      return deleteAccessToken(ctx, route.label);
    case 'session':
      return verifySession(ctx);
    case 'empty-label':
    case 'no-label':
      return deleteWithoutId(ctx, route.kind);
    case 'method-not-allowed':
      return writeError(res, state.options, 'UnknownOperationException', `Method not allowed here; allowed: ${route.allow}`, {
        status: 405,
        headers: { allow: route.allow },
      });
    case 'unknown':
      return writeError(res, state.options, 'UnknownOperationException', 'No operation matches this method and path');
  }
}

function loggablePath(url: string | undefined): string {
  const path = (url ?? '').replace(/[\x00-\x1f\x7f]/g, '?');
  return path.length > maxLoggedPath ? `${path.slice(0, maxLoggedPath - 3)}...` : path;
}
