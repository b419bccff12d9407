// Before any scenario: can this run be carried out at all? An unreachable target, rejected
// credentials or something that is not this API end the run with exit 3 and a one-line reason,
// instead of a page of failed scenarios.
import * as ops from '../contract/operations.js';
import { credentialStatuses } from '../contract/statuses.js';
import { describe } from '../checks/case-checks.js';
import { readResponse } from '../checks/response-reading.js';
import { CannotRunError, UsageError } from '../exit-codes.js';
import type { Exchange } from '../transport/exchange.js';
import type { Actor } from './actor.js';
import { StepError } from './step-error.js';

export async function preflight(targetUrl: string, actors: Array<{ actor: Actor; flag: string }>): Promise<void> {
  for (const { actor, flag } of actors) {
    let exchange: Exchange;
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
    if (credentialStatuses.includes(status)) {
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
  if (actors.length === 2) await expectDistinctIdentities(actors[0]!.actor, actors[1]!.actor);
}

/**
 * Two different bearer tokens may still be one identity (an alias, a second token of the same
 * user); then every wrong-owner check would fail for the wrong reason. VerifySession names the
 * identity behind a bearer; a target without it is taken at its word.
 */
async function expectDistinctIdentities(owner: Actor, other: Actor): Promise<void> {
  const identityOf = async (actor: Actor): Promise<string | undefined> => {
    const exchange = await actor.send(ops.sessionRequest()).catch(() => undefined);
    const body = exchange?.response?.status === 200 ? (readResponse(exchange).json as { identity?: unknown } | undefined) : undefined;
    return typeof body?.identity === 'string' && body.identity !== '' ? body.identity : undefined;
  };
  const [a, b] = [await identityOf(owner), await identityOf(other)];
  if (a !== undefined && a === b) {
    throw new UsageError(
      '--token and --other-token are the same identity (VerifySession names both the same); wrong-owner checks need two',
    );
  }
}
