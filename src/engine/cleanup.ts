// At the end of every run, also a failed or interrupted one: delete every token the run
// created, by the ID it was given, and nothing else (docs/contract.md §9). Then look again:
// a token still listed is deleted once more and looked for again; what remains is reported.
import type { Exchange } from '../transport/exchange.js';
import type { Actor } from './actor.js';
import type { LedgerEntry, TokenLedger } from './token-ledger.js';
import { runBurst } from './burst.js';

/** Deletes in flight at once when a case's tokens go. */
const cleanupConcurrency = 8;

export interface Leftover {
  id: string;
  identity: string;
  reason: string;
}

/**
 * @param namePrefix the run's token name prefix: a listed token named like the run's tokens that
 *   the ledger does not know was created by a request whose answer was not a 201 (a throttled
 *   create that took effect, contract §4). It is reported, never deleted: the runner deletes
 *   only by an ID it was given.
 */
export async function deleteCreatedTokens(ledger: TokenLedger, actors: Map<string, Actor>, namePrefix?: string): Promise<Leftover[]> {
  const leftovers: Leftover[] = [];
  for (const [identity, actor] of actors) {
    // Once an identity's deletes stay throttled (or the deadline passes), every further delete
    // would wait out the same budget: report the rest as left over instead of hanging on each.
    let givenUp: string | undefined;
    const tryDelete = async (entry: LedgerEntry): Promise<Exchange | undefined> => {
      if (givenUp) return undefined;
      try {
        return await actor.deleteToken(entry.id);
      } catch (error) {
        givenUp = (error as Error).message;
        return undefined;
      }
    };
    const entries = ledger.all().filter((e) => e.identity === identity);
    for (const entry of entries.filter((e) => !e.deleteAnswered)) {
      const status = (await tryDelete(entry))?.response?.status;
      // 404: already gone (a scenario deleted it, or the target lost it): nothing to clean.
      if (status === 404) ledger.markDeleteAnswered(identity, entry.id);
    }
    if (entries.length === 0 || givenUp) {
      leftovers.push(...entries.filter((e) => !e.deleteAnswered).map((e) => ({ id: e.id, identity, reason: `not deleted: ${givenUp}` })));
      continue;
    }
    let listed: Set<string>;
    try {
      const { tokens } = await actor.listAll();
      listed = new Set(tokens.map((t) => t.id));
      for (const orphan of tokens.filter(
        (t) => namePrefix !== undefined && t.name?.startsWith(`${namePrefix}-`) && !ledger.has(identity, t.id),
      )) {
        leftovers.push({
          id: orphan.id,
          identity,
          reason: `named like this run's tokens (${orphan.name}) but no create of it was answered 201: a refused create took effect; not deleted (its ID was never given)`,
        });
      }
    } catch (error) {
      for (const entry of entries.filter((e) => !e.deleteAnswered)) {
        leftovers.push({ id: entry.id, identity, reason: `delete did not succeed and listing failed: ${(error as Error).message}` });
      }
      continue;
    }
    // Still listed: deleted again, and then looked for once more. A 2xx is not proof: a target
    // that answers 200 and keeps the token must show up as a leftover, not pass unnoticed.
    const answered = new Map<string, string>();
    for (const entry of entries.filter((e) => listed.has(e.id))) {
      const answer = await tryDelete(entry);
      const status = answer?.response?.status ?? 0;
      if (status < 200 || status >= 300) {
        leftovers.push({
          id: entry.id,
          identity,
          reason: `still listed; delete answered ${status || answer?.transportError?.message || givenUp || 'nothing'}`,
        });
      } else {
        answered.set(entry.id, String(status));
      }
    }
    if (answered.size === 0) continue;
    try {
      const still = new Set((await actor.listAll()).tokens.map((t) => t.id));
      for (const [id, status] of answered) {
        if (still.has(id)) leftovers.push({ id, identity, reason: `still listed after its delete answered ${status}` });
      }
    } catch (error) {
      for (const id of answered.keys())
        leftovers.push({ id, identity, reason: `delete answered, but the listing to verify it failed: ${(error as Error).message}` });
    }
  }
  return leftovers;
}

/**
 * After a case: delete the tokens that case created whose deletion has not been answered yet,
 * without listing. Only that case's: with --parallel, the cases beside it still use theirs.
 * Best effort: a failure here is left to the final cleanup, which verifies and reports.
 */
export async function deleteOpenTokens(ledger: TokenLedger, actors: Map<string, Actor>, scope: string): Promise<void> {
  for (const [identity, actor] of actors) {
    const open = ledger.openOf(scope).filter((e) => e.identity === identity);
    // A few at a time: a race leaves a dozen tokens, and a target far away makes each a round trip.
    let failed = false;
    await runBurst(open.length, cleanupConcurrency, async (i) => {
      if (failed) return;
      try {
        const status = (await actor.deleteToken(open[i]!.id)).response?.status;
        if (status === 404) ledger.markDeleteAnswered(identity, open[i]!.id);
      } catch {
        // Throttled beyond its budget, or interrupted: the rest is the final cleanup's.
        failed = true;
      }
    });
  }
}
