// The tokens the reference implementation holds, per owner, in creation order.
//
// Pagination resumes "after creation sequence number N" rather than "at offset N": a token
// deleted between two pages then neither shifts a survivor off the next page nor repeats one,
// which is what lets a client prove presence or absence by walking every page.
// Every method is synchronous, so each one is atomic on Node's single thread; the delete
// handler decides where (and, for fault injection, whether) it yields between check and removal.
//
// Where an ID is unique is the store's scope: across the server (`global`, where looking an ID
// up finds whoever holds it, so the handler can answer a wrong owner 403) or per owner
// (`per-owner`, where two identities may both hold "7" and a lookup sees the caller's only).
// Keeping the scope here means no handler can look an ID up the wrong way.

export interface StoredToken {
  readonly id: string;
  /** Identity key of the creator (a hash, never the bearer). */
  readonly owner: string;
  readonly name: string;
  /** RFC 3339, seconds precision, UTC. */
  readonly expiresTime: string;
  /** Creation sequence number, unique and increasing across the whole store. */
  readonly seq: number;
}

export interface Page {
  items: StoredToken[];
  /** True when the owner has tokens after the last item. */
  more: boolean;
}

export type IdScope = 'global' | 'per-owner';

export class TokenStore {
  /** ID -> token; kept only in global scope, where an ID names one token server-wide. */
  private readonly byId = new Map<string, StoredToken>();
  /** Insertion order of each inner map is creation order, so iteration is already sorted. */
  private readonly byOwner = new Map<string, Map<string, StoredToken>>();
  private lastSeq = 0;

  constructor(readonly scope: IdScope) {}

  /** The token `id` names when `caller` asks: anyone's in global scope, only the caller's per owner. */
  find(caller: string, id: string): StoredToken | undefined {
    return this.scope === 'global' ? this.byId.get(id) : this.byOwner.get(caller)?.get(id);
  }

  /** Whether a new token of `owner` may not take `id` (someone in its scope holds it). */
  inUse(owner: string, id: string): boolean {
    return this.find(owner, id) !== undefined;
  }

  /** The tokens an ID lookup by `caller` can reach, in creation order per owner. */
  reachableBy(caller: string): StoredToken[] {
    return this.scope === 'global' ? [...this.byId.values()] : this.ownedBy(caller);
  }

  /** Every identity's token with this ID: more than one only in per-owner scope. */
  allWithId(id: string): StoredToken[] {
    if (this.scope === 'global') {
      const token = this.byId.get(id);
      return token ? [token] : [];
    }
    return [...this.byOwner.values()].flatMap((mine) => mine.get(id) ?? []);
  }

  /**
   * A key naming the token slot `id` denotes for `caller`, for bookkeeping keyed like the store
   * (deletes in progress): the ID itself in global scope, owner and ID per owner.
   */
  slotKey(caller: string, id: string): string {
    return this.scope === 'global' ? id : `${caller}/${id}`;
  }

  countFor(owner: string): number {
    return this.byOwner.get(owner)?.size ?? 0;
  }

  /** Whether the owner holds a token with exactly this name. */
  hasName(owner: string, name: string): boolean {
    for (const token of this.byOwner.get(owner)?.values() ?? []) if (token.name === name) return true;
    return false;
  }

  /** Adds a token; the caller chooses a fresh ID (the store refuses to overwrite one). */
  add(token: Omit<StoredToken, 'seq'>): StoredToken {
    if (this.inUse(token.owner, token.id)) throw new Error('token ID already in use');
    const stored: StoredToken = Object.freeze({ ...token, seq: ++this.lastSeq });
    if (this.scope === 'global') this.byId.set(stored.id, stored);
    let mine = this.byOwner.get(stored.owner);
    if (!mine) this.byOwner.set(stored.owner, (mine = new Map()));
    mine.set(stored.id, stored);
    return stored;
  }

  /** Changes the expiry of a stored token in place (its position in the listing stays). */
  setExpiresTime(token: StoredToken, expiresTime: string): void {
    const mine = this.byOwner.get(token.owner);
    if (!mine || mine.get(token.id)?.seq !== token.seq) return;
    const changed: StoredToken = Object.freeze({ ...token, expiresTime });
    mine.set(token.id, changed); // Map.set on a present key keeps its place in creation order
    if (this.scope === 'global') this.byId.set(token.id, changed);
  }

  /**
   * Removes the token; false when it was not there (the loser of a race learns it here). Matched
   * by creation number too, so a stale reference never removes a later token that took its ID.
   */
  remove(token: StoredToken): boolean {
    const mine = this.byOwner.get(token.owner);
    if (!mine || mine.get(token.id)?.seq !== token.seq) return false;
    mine.delete(token.id);
    if (mine.size === 0) this.byOwner.delete(token.owner);
    if (this.scope === 'global') this.byId.delete(token.id);
    return true;
  }

  /** The owner's tokens, in creation order. */
  ownedBy(owner: string): StoredToken[] {
    return [...(this.byOwner.get(owner)?.values() ?? [])];
  }

  /** Up to `limit` of the owner's tokens created after sequence number `afterSeq`. */
  page(owner: string, afterSeq: number, limit: number): Page {
    const items: StoredToken[] = [];
    for (const token of this.byOwner.get(owner)?.values() ?? []) {
      if (token.seq <= afterSeq) continue;
      if (items.length === limit) return { items, more: true };
      items.push(token);
    }
    return { items, more: false };
  }
}
