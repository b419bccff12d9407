// At the end of every run, also a failed or interrupted one: delete every token the run
// created, by the ID it was given, and nothing else (SPEC.md, Safety rules). Then look again:
// a target that answered 200 without deleting is retried once, and what remains is reported.
import type { Actor } from '../fixtures/actor.js';
import type { TokenLedger } from '../fixtures/token-ledger.js';

export interface Leftover {
  id: string;
  identity: string;
  reason: string;
}

export async function deleteCreatedTokens(ledger: TokenLedger, actors: Map<string, Actor>): Promise<Leftover[]> {
  const leftovers: Leftover[] = [];
  for (const [identity, actor] of actors) {
    const entries = ledger.all().filter((e) => e.identity === identity);
    if (entries.length === 0) continue;
    for (const entry of entries.filter((e) => !e.deleteAnswered)) {
      const answer = await actor.deleteToken(entry.id).catch(() => undefined);
      const status = answer?.response?.status;
      // 404: already gone (a scenario deleted it, or the target lost it): nothing to clean.
      if (status === 404) ledger.markDeleteAnswered(identity, entry.id);
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
      const answer = await actor.deleteToken(entry.id).catch(() => undefined);
      const status = answer?.response?.status ?? 0;
      if (status < 200 || status >= 300) {
        leftovers.push({ id: entry.id, identity, reason: `still listed; delete answered ${status || answer?.transportError?.message || 'nothing'}` });
      }
    }
  }
  return leftovers;
}
