// Long-running commands (serve, proxy, serve --replay) run until SIGINT or SIGTERM, then close
// what they opened and let the process end on its own.

/** Resolves once a signal came and `close` finished. */
export function closeOnSignal(close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
