// `pat-conformance proxy --target URL --port N --record DIR`: record the traffic of any client.
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../exit-codes.js';

export interface ProxyArgs {
  target: string;
  port: number;
  host: string;
  record: string;
  'redact-header'?: string[];
  'redact-field'?: string[];
  timeout: number;
  quiet: boolean;
}

const epilogue = `Point a client at the printed URL instead of the target, e.g. the AWS SDK for JavaScript v3:
  new CodeCatalystClient({ endpoint: 'http://127.0.0.1:8080', token: { token } })
or the AWS CLI: aws codecatalyst list-access-tokens --endpoint-url http://127.0.0.1:8080

Every exchange is recorded as HAR 1.2 under --record, redacted before it is written: bearer tokens
become <identity-1>, <identity-2>, ... in order of first appearance, token secrets <token-secret>,
Cookie/Set-Cookie and --redact-header values <redacted>, --redact-field JSON members <redacted>.
The recording is written when the proxy stops (SIGINT or SIGTERM), whole or not at all; if a
known secret would still appear in it, nothing is written and the exit code is 2. A second signal
stops at once without writing. A target that does not answer gets the client a 502 (504 on
timeout) named PatConformanceProxyError; the recording keeps such failures apart from the HAR.

Then: pat-conformance check DIR | replay DIR --target URL | serve --replay DIR

Exit codes: 0 recording written, 2 bad option or recording not written, 3 cannot listen.`;

function builder(y: Argv): Argv<ProxyArgs> {
  return y
    .usage(
      '$0 proxy --target URL --record DIR [options]\n\nA recording reverse proxy: forwards every request to the target and records the traffic.',
    )
    .option('target', { type: 'string', demandOption: true, describe: 'Base URL of the implementation the traffic goes to' })
    .option('port', { type: 'number', default: 8080, describe: 'Port to listen on; 0 picks a free one (the URL is printed)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
    .option('record', { type: 'string', demandOption: true, describe: 'Recording directory (replaced when the proxy stops)' })
    .option('redact-header', { type: 'array', string: true, describe: "Also redact this header's value (repeatable)" })
    .option('redact-field', { type: 'array', string: true, describe: 'Also redact this JSON member in every body (repeatable)' })
    .option('timeout', { type: 'number', default: 30_000, describe: 'Milliseconds one forwarded request may take' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No request log on stderr' })
    .example(
      '$0 proxy --target https://codecatalyst.global.api.aws --port 8080 --record recordings/sdk-session',
      'Record what a client sends to the service',
    )
    .epilogue(epilogue);
}

function validate(args: ProxyArgs): void {
  let url: URL;
  try {
    url = new URL(args.target);
  } catch {
    throw new UsageError(`--target must be an http:// or https:// URL (got "${args.target}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--target must be an http:// or https:// URL (got "${args.target}")`);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new UsageError(`--port must be an integer from 0 to 65535 (got ${args.port})`);
  if (!Number.isInteger(args.timeout) || args.timeout < 1) throw new UsageError('--timeout must be a positive number of milliseconds');
  if (!args.record) throw new UsageError('--record DIR is required');
}

const list = (values: string[] | undefined): string[] =>
  (values ?? [])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export const proxyCommand: CommandModule<object, ProxyArgs> = {
  command: 'proxy',
  describe: 'Record the traffic of any client through a reverse proxy',
  builder,
  handler: async (args) => {
    validate(args);
    const { startRecordingProxy } = await import('../tools/proxy.js');
    const log = args.quiet ? undefined : (line: string): void => void process.stderr.write(`${line}\n`);
    const proxy = await startRecordingProxy({
      target: args.target,
      host: args.host,
      port: args.port,
      record: args.record,
      redactHeaders: list(args['redact-header']).map((h) => h.toLowerCase()),
      redactFields: list(args['redact-field']),
      timeoutMs: args.timeout,
      log,
    });
    process.stdout.write(`pat-conformance proxy listening on ${proxy.url} -> ${args.target}, recording to ${args.record}\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // A second signal: leave at once, writing nothing (the previous recording stays). The
    // abort owns the exit from then on: the stop it cuts short says nothing more, and the exit
    // waits for the abort to remove the working directory.
    let aborting = false;
    const again = (): void => {
      aborting = true;
      process.stderr.write(`pat-conformance: ${signal} again, recording not written\n`);
      void proxy.abort().finally(() => process.exit(ExitCode.Usage));
    };
    process.once('SIGINT', again);
    process.once('SIGTERM', again);
    try {
      const written = await proxy.stop();
      if (aborting) return;
      if (!args.quiet) process.stderr.write(`recorded ${written.exchanges} exchanges to ${args.record}\n`);
      process.exit(ExitCode.Conformant);
    } catch (error) {
      if (aborting) return;
      process.stderr.write(`pat-conformance: ${(error as Error).message}\n`);
      process.exit((error as { exitCode?: number }).exitCode ?? ExitCode.Usage);
    }
  },
};
