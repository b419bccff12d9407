// The documented exit codes of every command (README, "Exit codes").
export const ExitCode = {
  /** The target is conformant (or a command finished normally). */
  Conformant: 0,
  /** The target is not conformant: at least one check that counts failed. */
  NonConformant: 1,
  /** Usage or configuration error: bad flag, bad value, unreadable recording. */
  Usage: 2,
  /** The run could not be carried out: unreachable target, credentials rejected, not this API. */
  CannotRun: 3,
  /** Interrupted by SIGINT (128 + 2). */
  Sigint: 130,
  /** Interrupted by SIGTERM (128 + 15). */
  Sigterm: 143,
} as const;

/** An error whose message is a one-line reason for the user and which carries its exit code. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.Usage;
}

export class CannotRunError extends Error {
  readonly exitCode = ExitCode.CannotRun;
}
