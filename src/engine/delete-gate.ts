// With --parallel, cases run side by side, and one case's probe could reach a token another case
// created a moment earlier. A probe (a DeleteAccessToken naming an ID its case did not create:
// unknown IDs, variants of its own token's ID, a missing ID) was made safe against the tokens
// that were live when its case looked (docs/contract.md §9), but a case beside it may create a
// token with that very ID afterwards: likely on a target with short sequential IDs. The gate keeps
// the two apart, so a parallel run deletes exactly what a serial one would:
//   - a probe leaves only while no create of the run is in flight (a create in flight may be
//     handed the probe's ID), and no create leaves while a probe is in flight;
//   - a probe whose ID is an open token of another case still running waits until that case
//     has deleted it or ended (a token a finished case left behind is the final cleanup's).
// A delete of the case's own token is never held. Serial runs never wait here.
import { InconclusiveCase } from '../scenario.js';
import { decodedLabel } from './probe-guard.js';
import type { TokenLedger } from './token-ledger.js';

export class DeleteGate {
  private createsInFlight = 0;
  private probesInFlight = 0;
  private readonly running = new Set<string>();
  /** Case -> the case whose token its probe waits for (to refuse a wait that closes a cycle). */
  private readonly waitsFor = new Map<string, string>();
  private waiters: Array<() => void> = [];

  constructor(private readonly ledger: TokenLedger) {
    ledger.onChange(() => this.wake());
  }

  /** A case starts: its open tokens hold back other cases' probes of the same ID. */
  caseStarted(scope: string): void {
    this.running.add(scope);
  }

  caseEnded(scope: string): void {
    this.running.delete(scope);
    this.wake();
  }

  async create<T>(send: () => Promise<T>): Promise<T> {
    while (this.probesInFlight > 0) await this.changed();
    this.createsInFlight++;
    try {
      return await send();
    } finally {
      this.createsInFlight--;
      this.wake();
    }
  }

  /**
   * A delete with this label (as it goes on the wire, still encoded) sent by one identity of a
   * case: straight out when it names that identity's own open token of that case, through the
   * gate otherwise (a wrong-owner delete too: with IDs scoped per identity, the sender may be
   * handed that ID by a create of a case beside it).
   */
  async delete<T>(label: string, scope: string, identity: string, send: () => Promise<T>): Promise<T> {
    const id = decodedLabel(label);
    const named = id === undefined ? [] : this.ledger.openWithId(id);
    if (named.some((entry) => entry.scope === scope && entry.identity === identity)) return send();
    for (;;) {
      const blocker = id === undefined ? undefined : this.ledger.openWithId(id).find((e) => e.scope !== scope && this.running.has(e.scope));
      if (blocker) {
        if (this.waitChainReaches(blocker.scope, scope)) {
          throw new InconclusiveCase(
            `its probe names ${blocker.id}, a token of a case running beside it ("${blocker.scope}") whose own probe waits for this case; run with --parallel 1`,
          );
        }
        this.waitsFor.set(scope, blocker.scope);
        try {
          await this.changed();
        } finally {
          this.waitsFor.delete(scope);
        }
        continue;
      }
      if (this.createsInFlight > 0) {
        await this.changed();
        continue;
      }
      break;
    }
    this.probesInFlight++;
    try {
      return await send();
    } finally {
      this.probesInFlight--;
      this.wake();
    }
  }

  private waitChainReaches(from: string, target: string): boolean {
    const seen = new Set<string>();
    for (let at: string | undefined = from; at !== undefined && !seen.has(at); at = this.waitsFor.get(at)) {
      if (at === target) return true;
      seen.add(at);
    }
    return false;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
