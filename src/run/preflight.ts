// Before any scenario: can this run be carried out at all? An unreachable target, rejected
// credentials or something that is not this API end the run with exit 3 and a one-line reason,
// instead of a page of failed scenarios.
import * as ops from '../api/operations.js';
import { describe } from '../checks/case-checks.js';
import { readResponse } from '../checks/response-reading.js';
import { CannotRunError } from '../exit-codes.js';
import type { Actor } from '../fixtures/actor.js';
import { StepError } from '../fixtures/step-error.js';

export async function preflight(targetUrl: string, actors: Array<{ actor: Actor; flag: string }>): Promise<void> {
  for (const { actor, flag } of actors) {
    let exchange;
    try {
      exchange = await actor.send(ops.listRequest(1, undefined));
    } catch (error) {
      if (error instanceof StepError) throw new CannotRunError(`pre-flight: ${targetUrl} ${error.message}`);
      throw error;
    }
    if (exchange.transportError) {
      throw new CannotRunError(`pre-flight: cannot reach ${targetUrl}: ${exchange.transportError.message}`);
    }
    const reading = readResponse(exchange);
    const status = exchange.response!.status;
    if (status === 401 || status === 403) {
      throw new CannotRunError(`pre-flight: the credentials of ${flag} were rejected (${describe(exchange, reading)})`);
    }
    const body = reading.json as { items?: unknown } | undefined;
    if (status !== 200 || !Array.isArray(body?.items)) {
      const shown = exchange.response!.body.slice(0, 80).replace(/\s+/g, ' ');
      throw new CannotRunError(
        `pre-flight: ${targetUrl} does not answer like the access-token API: ListAccessTokens (POST /v1/accessTokens) answered ${describe(exchange, reading)}${shown ? ` "${shown}"` : ''}`,
      );
    }
  }
}
