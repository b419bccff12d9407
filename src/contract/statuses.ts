// Which statuses each operation may answer (docs/contract.md §2, §3): its success status, the
// modelled errors (errors.ts), and the few other statuses a rule of the contract allows. The
// recording checker holds every recorded answer to documentedStatuses; the scenarios that allow
// more than one status for a probe take their lists from here.
import { errorStatus } from './errors.js';
import type { OperationName } from './operations.js';
import { namesNoId } from './paths.js';

/** The success status each operation's model fixes (§2.1 to §2.4; §3.1: no other 2xx). */
export const successStatus: Record<OperationName, number> = {
  CreateAccessToken: 201,
  ListAccessTokens: 200,
  DeleteAccessToken: 200,
  VerifySession: 200,
};

/** Missing or invalid credentials (§3.4): API gateways differ, so either is accepted. */
export const credentialStatuses: readonly number[] = [401, 403];

/** A delete that names no token (§5.3): also a 405, as then no operation matches the request. */
export const missingIdStatuses: readonly number[] = [400, 403, 404, 405];

const modelledErrorStatuses: readonly number[] = Object.values(errorStatus);

function sortedUnique(statuses: readonly number[]): number[] {
  return [...new Set(statuses)].sort((a, b) => a - b);
}

/** The statuses an operation may answer with, whatever the request was (docs/contract.md §2, §3). */
export function documentedStatuses(operation: OperationName, path: string): number[] {
  // A delete without an ID may be throttled like any request, and refused for its credentials.
  if (operation === 'DeleteAccessToken' && namesNoId(path))
    return sortedUnique([...missingIdStatuses, ...credentialStatuses, errorStatus.ThrottlingException]);
  return sortedUnique([successStatus[operation], ...modelledErrorStatuses, ...credentialStatuses]);
}
