// `pat-conformance serve`: the reference implementation as a standalone local fake.
//
// This module only maps flags onto ReferenceOptions and owns the process lifecycle (print the
// URL, stop on SIGINT/SIGTERM). What the server does lives in src/reference/.
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../exit-codes.js';
import { faults, type FaultName } from '../reference/faults.js';
import { referenceDefaults, resolveReferenceOptions, type ReferenceOptions } from '../reference/options.js';
import { closeOnSignal } from '../io/until-signal.js';

export interface ServeArgs {
  port: number;
  host: string;
  rate: number;
  burst: number;
  'max-in-flight': number;
  'retry-after': string;
  'page-size': number;
  'max-tokens': number;
  'conflict-window': number;
  latency: number;
  'wrong-owner-status': number;
  'delete-body': string;
  'errortype-style': string;
  'id-style': string;
  'duplicate-names': string;
  'last-page-token': string;
  seed: number | undefined;
  users: string | undefined;
  fault: string[];
  quiet: boolean;
  /** Answer from a recording instead (src/tools/replay-server.ts). */
  replay: string | undefined;
}

const faultWidth = Math.max(...faults.map((f) => f.name.length));

/**
 * The fault table, wrapped here with a hanging indent: yargs would re-wrap long epilogue lines
 * flush left and break the columns. Same width rule as cli.ts's `.wrap()`.
 */
function faultTable(width: number): string {
  const indent = 2 + faultWidth + 2;
  const room = Math.max(30, width - indent - 1);
  return faults
    .map((f) => {
      const lines: string[] = [];
      let line = '';
      for (const word of f.description.split(' ')) {
        if (line !== '' && line.length + 1 + word.length > room) {
          lines.push(line);
          line = word;
        } else {
          line = line === '' ? word : `${line} ${word}`;
        }
      }
      lines.push(line);
      return `  ${f.name.padEnd(faultWidth)}  ${lines.join(`\n${' '.repeat(indent)}`)}`;
    })
    .join('\n');
}

const epilogue = (width: number): string => `Faults (--fault NAME, repeatable or comma-separated; each injects exactly one defect):
${faultTable(width)}

Every option can also come from the environment as PAT_CONFORMANCE_<OPTION> (for example PAT_CONFORMANCE_PORT=8080, PAT_CONFORMANCE_USERS=tokA,tokB); the command line wins.

Any non-empty bearer token is a user unless --users restricts the set. Bearer tokens are never printed or logged: the request log names an identity by a hash (user-1a2b3c4d).

Exit codes: 0 stopped by SIGINT or SIGTERM, 2 bad option value, 3 cannot listen (port in use, bad host).`;

/** Splits `--fault a,b --fault c` and `--users a,b` into clean lists. */
function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function builder(y: Argv): Argv<ServeArgs> {
  const d = referenceDefaults;
  return y
    .usage(
      '$0 serve [options]\n\nRun the reference implementation of the CodeCatalyst access-token API (CreateAccessToken,\nListAccessTokens, DeleteAccessToken, VerifySession) as a local fake on the real wire protocol.',
    )
    .option('port', { type: 'number', default: d.port, describe: 'TCP port to listen on; 0 picks a free port (the URL is printed)' })
    .option('host', { type: 'string', default: d.host, describe: 'Interface to listen on' })
    .option('rate', { type: 'number', default: d.rate, describe: 'Throttling: requests per second per identity; 0 disables throttling' })
    .option('burst', { type: 'number', default: d.burst, describe: 'Throttling: bucket capacity, the burst an idle identity may send' })
    .option('retry-after', {
      type: 'string',
      default: d.retryAfter,
      describe: 'Throttling: a 429 carries Retry-After in whole seconds (seconds) or none, as many AWS services (none)',
    })
    .option('max-in-flight', {
      type: 'number',
      default: d.maxInFlight,
      describe: 'Throttling: requests of one identity worked on at once; one more answers 429 (0: no limit)',
    })
    .option('page-size', {
      type: 'number',
      default: d.pageSize,
      describe: 'ListAccessTokens items per page, 1 to 10 (maxResults may lower it)',
    })
    .option('max-tokens', {
      type: 'number',
      default: d.maxTokens,
      describe: 'Tokens one identity may hold; one more answers 402 ServiceQuotaExceededException',
    })
    .option('latency', {
      type: 'number',
      default: d.latencyMs,
      describe: 'Milliseconds every request waits before it is handled, like a service across a network',
    })
    .option('conflict-window', {
      type: 'number',
      default: d.conflictWindowMs,
      describe:
        'Milliseconds a delete stays in progress; racing deletes of that token answer 409 ConflictException (0: atomic, losers get 404)',
    })
    .option('wrong-owner-status', {
      type: 'number',
      default: d.wrongOwnerStatus,
      describe: "Answer to deleting another identity's token: 403 AccessDeniedException or 404 ResourceNotFoundException",
    })
    .option('delete-body', {
      type: 'string',
      default: d.deleteBody,
      describe: 'Body of a successful delete: "empty" (zero bytes) or "{}" (JSON)',
    })
    .option('errortype-style', {
      type: 'string',
      default: d.errortypeStyle,
      describe:
        'x-amzn-errortype spelling: plain (ConflictException), suffixed (ConflictException:http://internal.amazon.com/...), namespaced (com.amazonaws.codecatalyst#ConflictException)',
    })
    .option('id-style', {
      type: 'string',
      default: d.idStyle,
      describe:
        "Token IDs: uuid (36 chars), short (8 chars [a-z0-9]), long (36 chars, not a UUID), sequential (1, 2, 3, ...) or per-identity (1, 2, 3, ... per identity; an ID names a token only among its owner's, so another identity's ID answers 404)",
    })
    .option('duplicate-names', {
      type: 'string',
      default: d.duplicateNames,
      describe: 'CreateAccessToken with a name the caller already holds: allow, or reject with 409 ConflictException',
    })
    .option('last-page-token', {
      type: 'string',
      default: d.lastPageToken,
      describe: 'nextToken on the last ListAccessTokens page: absent (no member), null, or empty ("")',
    })
    .option('seed', { type: 'number', describe: 'Integer seed for reproducible IDs, secrets and nextTokens (default: random)' })
    .option('users', {
      type: 'string',
      describe: 'Comma-separated bearer tokens that are the only users (others get 401); prefer PAT_CONFORMANCE_USERS',
    })
    .option('fault', {
      type: 'string',
      array: true,
      default: [] as string[],
      defaultDescription: 'none',
      describe: 'Inject a named defect (repeatable; listed below)',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'No request log on stderr' })
    .option('replay', {
      type: 'string',
      describe:
        'Answer from this recording (run/proxy recording or HAR) instead of implementing the API; identical requests get the recorded answers in order, a request not recorded gets 501 PatConformanceReplayMiss',
    })
    .example('$0 serve --replay recordings/reference-conformant --port 8080', 'Serve recorded answers to a client under test')
    .example('$0 serve', 'Serve on a free loopback port and print its URL')
    .example('$0 serve --port 8080 --conflict-window 200', 'Fixed port; racing deletes of one token answer 409')
    .example('$0 serve --fault success-204 --fault no-owner-check', 'A deliberately non-conformant target')
    .example('PAT_CONFORMANCE_USERS=alice,bob $0 serve --port 8080', 'Only the bearer tokens alice and bob are users')
    .example('$0 serve --seed 7 --id-style short --rate 0 --quiet', 'A reproducible, unthrottled, silent fake')
    .example(
      '$0 serve --id-style per-identity --duplicate-names reject --last-page-token empty',
      'A conformant target that differs from the defaults in IDs, names and pagination',
    )
    .epilogue(epilogue(Math.min(110, process.stdout.columns || 100)));
}

/** Maps parsed flags onto ReferenceOptions; validation (and its one-line reasons) is options.ts's. */
export function toReferenceOptions(args: ServeArgs, log: ((line: string) => void) | undefined): ReferenceOptions {
  const users = args.users === undefined ? undefined : splitList([args.users]);
  return resolveReferenceOptions({
    host: args.host,
    port: args.port,
    rate: args.rate,
    burst: args.burst,
    maxInFlight: args['max-in-flight'],
    retryAfter: args['retry-after'] as ReferenceOptions['retryAfter'],
    pageSize: args['page-size'],
    maxTokens: args['max-tokens'],
    conflictWindowMs: args['conflict-window'],
    latencyMs: args.latency,
    wrongOwnerStatus: args['wrong-owner-status'] as ReferenceOptions['wrongOwnerStatus'],
    deleteBody: args['delete-body'] as ReferenceOptions['deleteBody'],
    errortypeStyle: args['errortype-style'] as ReferenceOptions['errortypeStyle'],
    idStyle: args['id-style'] as ReferenceOptions['idStyle'],
    duplicateNames: args['duplicate-names'] as ReferenceOptions['duplicateNames'],
    lastPageToken: args['last-page-token'] as ReferenceOptions['lastPageToken'],
    seed: args.seed,
    users,
    faults: splitList(args.fault ?? []) as FaultName[],
    log,
  });
}

async function serve(args: ServeArgs): Promise<void> {
  if (args.replay) return serveReplay({ ...args, replay: args.replay });
  const log = args.quiet ? undefined : (line: string): void => void process.stderr.write(`${line}\n`);
  const { startReferenceServer } = await import('../reference/server.js');
  const server = await startReferenceServer(toReferenceOptions(args, log));
  const o = server.options;
  // The signal handlers are in place before the URL is printed: whoever reads the line and
  // stops the server at once gets a clean stop.
  const closed = closeOnSignal(() => server.close());
  process.stdout.write(`pat-conformance reference listening on ${server.url}\n`);
  if (!args.quiet) {
    const throttle = o.rate > 0 ? `${o.rate}/s per identity, burst ${o.burst}` : 'off';
    process.stderr.write(`throttling: ${throttle}; faults: ${o.faults.length > 0 ? o.faults.join(', ') : 'none'}\n`);
  }

  // Resolve only when a signal has closed the server: the process then has nothing left to do.
  await closed;
}

/** `serve --replay DIR`: answer from a recording until SIGINT/SIGTERM, then say what was served. */
async function serveReplay(args: ServeArgs & { replay: string }): Promise<void> {
  if (splitList(args.fault ?? []).length > 0)
    throw new UsageError('--fault does not apply to --replay: the recording already says what the answers are');
  const { startReplayServer } = await import('../tools/replay-server.js');
  const log = args.quiet ? undefined : (line: string): void => void process.stderr.write(`${line}\n`);
  const server = await startReplayServer({ recording: args.replay, host: args.host, port: args.port, log });
  const closed = closeOnSignal(() => server.close());
  process.stdout.write(
    `pat-conformance replay listening on ${server.url} (answers from ${args.replay}: ${server.counts().total} recorded exchanges)\n`,
  );
  await closed;
  const { served, missed, total } = server.counts();
  if (!args.quiet) process.stderr.write(`served ${served} of ${total} recorded answers; ${missed} requests were not in the recording\n`);
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Run the reference implementation (a local fake of the access-token API)',
  builder,
  async handler(args) {
    try {
      await serve(args);
    } catch (error) {
      // Handled here rather than by the CLI's fail handler, which knows only the usage exit code:
      // "port in use" is exit 3, a bad value exit 2, each with a one-line reason.
      const exitCode = (error as { exitCode?: number }).exitCode ?? ExitCode.CannotRun;
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`pat-conformance: ${message}\n`);
      process.exit(exitCode);
    }
    process.exit(ExitCode.Conformant);
  },
};
