// The six errors of the service and the status each must come with (docs/contract.md §3.3, from
// the model). The checks, the recording checker and the scenarios all read this one table. The
// reference implementation keeps a table of its own on purpose (src/reference/errors.ts): it is
// the oracle this one is tested against.

/** The six modelled errors and the status each must come with. */
export const errorStatus = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
} as const;

export type ModeledErrorName = keyof typeof errorStatus;

export function isModeledError(name: string): name is ModeledErrorName {
  return Object.hasOwn(errorStatus, name);
}

/** An answer is one of these errors when its status and its name are a pair of the table. */
export function isErrorAnswer(status: number | undefined, errorName: string | undefined, names: readonly ModeledErrorName[]): boolean {
  return names.some((name) => status === errorStatus[name] && errorName === name);
}
