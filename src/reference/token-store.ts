// The tokens the reference implementation holds, per owner, in creation order.
//
// Pagination resumes "after creation sequence number N" rather than "at offset N": a token
// deleted between two pages then neither shifts a survivor off the next page nor repeats one,
// which is what lets a client prove presence or absence by walking every page.
// Every method is synchronous, so each one is atomic on Node's single thread; the delete
// handler decides where (and, for fault injection, whether) it yields between check and removal.

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

export class TokenStore {
  private readonly byId = new Map<string, StoredToken>();
  /** Insertion order of each inner map is creation order, so iteration is already sorted. */
  private readonly byOwner = new Map<string, Map<string, StoredToken>>();
  private lastSeq = 0;

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): StoredToken | undefined {
    return this.byId.get(id);
  }

  countFor(owner: string): number {
    return this.byOwner.get(owner)?.size ?? 0;
  }

  /** Adds a token; the caller chooses a fresh ID (the store refuses to overwrite one). */
  add(token: Omit<StoredToken, 'seq'>): StoredToken {
    if (this.byId.has(token.id)) throw new Error('token ID already in use');
    const stored: StoredToken = Object.freeze({ ...token, seq: ++this.lastSeq });
    this.byId.set(stored.id, stored);
    let mine = this.byOwner.get(stored.owner);
    if (!mine) this.byOwner.set(stored.owner, (mine = new Map()));
    mine.set(stored.id, stored);
    return stored;
  }

  /** Removes the token; false when it was not there (the loser of a race learns it here). */
  remove(id: string): boolean {
    const token = this.byId.get(id);
    if (!token) return false;
    this.byId.delete(id);
    const mine = this.byOwner.get(token.owner);
    mine?.delete(id);
    if (mine && mine.size === 0) this.byOwner.delete(token.owner);
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
