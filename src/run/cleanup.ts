// At the end of every run, also a failed or interrupted one: delete every token the run
// created, by the ID it was given, and nothing else (SPEC.md, Safety rules). Then look again:
// a target that answered 200 without deleting is retried once, and what remains is reported.
import type { Exchange } from '../client/exchange.js';
import type { Actor } from '../fixtures/actor.js';
import type { LedgerEntry, TokenLedger } from '../fixtures/token-ledger.js';

export interface Leftover {
  id: string;
  identity: string;
  reason: string;
}

export async function deleteCreatedTokens(ledger: TokenLedger, actors: Map<string, Actor>): Promise<Leftover[]> {
  const leftovers: Leftover[] = [];
  // Once a target stays throttled (or the deadline passes), every further delete would wait
  // out the same budget: report the rest as left over instead of hanging on each in turn.
  let givenUp: string | undefined;
  const tryDelete = async (actor: Actor, entry: LedgerEntry): Promise<Exchange | undefined> => {
    if (givenUp) return undefined;
    try {
      return await actor.deleteToken(entry.id);
    } catch (error) {
      givenUp = (error as Error).message;
      return undefined;
    }
  };

  for (const [identity, actor] of actors) {
    const entries = ledger.all().filter((e) => e.identity === identity);
    for (const entry of entries.filter((e) => !e.deleteAnswered)) {
      const status = (await tryDelete(actor, entry))?.response?.status;
      // 404: already gone (a scenario deleted it, or the target lost it): nothing to clean.
      if (status === 404) ledger.markDeleteAnswered(identity, entry.id);
    }
    if (entries.length === 0 || givenUp) {
      leftovers.push(...entries.filter((e) => !e.deleteAnswered).map((e) => ({ id: e.id, identity, reason: `not deleted: ${givenUp}` })));
      continue;
    }
    let listed: Set<string>;
    try {
      listed = new Set((await actor.listAll()).tokens.map((t) => t.id));
    } catch (error) {
      for (const entry of entries.filter((e) => !e.deleteAnswered)) {
        leftovers.push({ id: entry.id, identity, reason: `delete did not succeed and listing failed: ${(error as Error).message}` });
      }
      continue;
    }
    for (const entry of entries.filter((e) => listed.has(e.id))) {
      const answer = await tryDelete(actor, entry);
      const status = answer?.response?.status ?? 0;
      if (status < 200 || status >= 300) {
        leftovers.push({ id: entry.id, identity, reason: `still listed; delete answered ${status || answer?.transportError?.message || givenUp || 'nothing'}` });
      }
    }
  }
  return leftovers;
}
