// SIGINT and SIGTERM during `run` (the command's, so it may print and exit): the first stops new
// requests (the run then cleans up and writes reports marked incomplete); a second SIGINT exits
// at once.
import { ExitCode } from '../exit-codes.js';

export interface InterruptWatch {
  readonly signal: AbortSignal;
  /** Which signal interrupted the run, if any. */
  readonly received: 'SIGINT' | 'SIGTERM' | undefined;
  dispose(): void;
}

export function watchInterrupts(onFirst: (signal: 'SIGINT' | 'SIGTERM') => void): InterruptWatch {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const handler = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (received) {
      process.stderr.write(`\npat-conformance: ${signal} again, exiting without cleanup\n`);
      process.exit(signal === 'SIGTERM' ? ExitCode.Sigterm : ExitCode.Sigint);
    }
    received = signal;
    onFirst(signal);
    controller.abort();
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      // After an interruption the handlers stay: a second signal while reports are written
      // still means "exit now", not the default death by signal.
      if (received) return;
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
