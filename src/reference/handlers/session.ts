// VerifySession: GET /session -> 200 {identity}. A cheap pre-flight that proves the bearer works.
import { writeJson } from '../responses.js';
import type { RequestContext } from '../state.js';

export function verifySession({ res, identity }: RequestContext): void {
  // The derived name, never the bearer: this answer may end up in a report.
  writeJson(res, 200, { identity: identity.name });
}
