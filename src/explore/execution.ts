// One execution of a generated program against the target: its rounds sent with every step of a
// round released together, each operation noted with its interval and answer (the history the
// judge reads), every exchange shown to the shape checks. Safety as in `run` (contract §9): only
// tokens this exploration created are deleted, by the ID they were given, and a wrong-owner
// delete is never sent for an ID the sender holds itself (it would delete that identity's own
// token on a target that scopes IDs per identity).
import * as ops from '../contract/operations.js';
import { readResponse } from '../checks/response-reading.js';
import type { Actor } from '../engine/actor.js';
import type { TokenLedger } from '../engine/token-ledger.js';
import type { Exchange, HttpRequest } from '../transport/exchange.js';
import type { ConnectionPool } from '../transport/transport.js';
import type { CreateOperation, DeleteOperation, ListedItem, ListOperation, Operation } from './history.js';
import type { Step, Who } from './program.js';

/** Requests an exploration may still send; shared by every execution (--budget). */
export interface RequestBudget {
  spent: number;
  readonly limit: number;
}

export interface ExecutionEnvironment {
  actors: Partial<Record<Who, Actor>>;
  pool: ConnectionPool;
  /** This execution's token names start with it: the judge tells its tokens apart by it. */
  namePrefix: string;
  expiresTime: string;
  ledger: TokenLedger;
  budget: RequestBudget;
  /** IDs each identity held before the exploration (its own listing): never the target of the other's delete. */
  heldBefore: Record<Who, ReadonlyMap<string, unknown>>;
  /** Milliseconds on the exploration's clock. */
  now: () => number;
  /** Sees every exchange (shape checks, the recording's timeline). */
  observe: (exchange: Exchange, operation: number) => void;
  /** Stop sending (SIGINT, the time bound): what was sent is still judged. */
  signal: AbortSignal;
}

/** A created token, as its 201 said. */
export interface ExploredToken {
  id: string;
  name: string;
}

/** Pages a listing follows at most: a target whose nextToken never ends is not followed forever. */
const maxPages = 50;

export class Execution {
  readonly operations: Operation[] = [];
  /** Each identity's tokens answered 201, in the order they were created (slots name them). */
  readonly tokens: Record<Who, ExploredToken[]> = { owner: [], other: [] };
  /** Operations answered 429 in the last round: the explorer waits before the next one. */
  throttled: Exchange[] = [];

  constructor(private readonly env: ExecutionEnvironment) {}

  /** Send one round: every applicable step at once. */
  async runRound(steps: readonly Step[]): Promise<void> {
    this.throttled = [];
    const tasks = steps.map((step) => this.taskFor(step)).filter((task): task is () => Promise<void> => task !== undefined);
    await Promise.all(tasks.map((task) => task()));
  }

  private taskFor(step: Step): (() => Promise<void>) | undefined {
    const actor = this.env.actors[step.who];
    if (!actor) return undefined;
    switch (step.op) {
      case 'create': {
        // Both identities draw from the same names: a target that keys tokens by name across
        // identities shows (names are not keys, contract §6.3, §6.4).
        const name = `${this.env.namePrefix}-n${step.name}`;
        return () => this.create(step.who, actor, name);
      }
      case 'delete': {
        const token = this.slot(step.who, step.token);
        return token ? () => this.delete(step.who, actor, token.id) : undefined;
      }
      case 'wrong-owner-delete': {
        const victim: Who = step.who === 'owner' ? 'other' : 'owner';
        const token = this.slot(victim, step.token);
        if (!token || this.mayHold(step.who, token.id)) return undefined;
        return () => this.delete(step.who, actor, token.id);
      }
      case 'list':
        return () => this.list(step.who, actor);
    }
  }

  private slot(who: Who, slot: number): ExploredToken | undefined {
    const tokens = this.tokens[who];
    return tokens.length === 0 ? undefined : tokens[slot % tokens.length];
  }

  /** Whether `who` may hold this ID itself: it held it before, or one of its creates returned it. */
  private mayHold(who: Who, id: string): boolean {
    return this.env.heldBefore[who].has(id) || this.tokens[who].some((t) => t.id === id);
  }

  /** One request, if the budget and the signal allow: undefined when not sent. */
  private async send(actor: Actor, request: HttpRequest, operation: number): Promise<Exchange | undefined> {
    if (this.env.signal.aborted || this.env.budget.spent >= this.env.budget.limit) return undefined;
    this.env.budget.spent++;
    const exchange = await actor.sendOnce(request, this.env.pool);
    this.env.observe(exchange, operation);
    if (exchange.response?.status === 429) this.throttled.push(exchange);
    return exchange;
  }

  private nextId(): number {
    return this.operations.length + 1;
  }

  private async create(who: Who, actor: Actor, name: string): Promise<void> {
    const id = this.nextId();
    const sentAt = this.env.now();
    const placeholder: CreateOperation = { id, identity: who, sentAt, kind: 'create', name, expiresTime: this.env.expiresTime };
    const index = this.operations.push(placeholder) - 1;
    const exchange = await this.send(actor, ops.createRequest(name, this.env.expiresTime), id);
    if (!exchange) return void this.operations.splice(index, 1, { ...placeholder, id: -id });
    const answeredAt = this.env.now();
    if (!exchange.response) return;
    const json = readResponse(exchange).json as { accessTokenId?: unknown; expiresTime?: unknown } | undefined;
    const tokenId = exchange.response.status === 201 && typeof json?.accessTokenId === 'string' ? json.accessTokenId : undefined;
    const expiresTime = typeof json?.expiresTime === 'string' ? json.expiresTime : undefined;
    if (tokenId !== undefined) {
      this.tokens[who].push({ id: tokenId, name });
      this.env.ledger.add(tokenId, name, who);
    }
    this.operations[index] = {
      ...placeholder,
      answer: {
        answeredAt,
        status: exchange.response.status,
        ...(tokenId !== undefined ? { tokenId } : {}),
        ...(expiresTime ? { expiresTime } : {}),
      },
    };
  }

  private async delete(who: Who, actor: Actor, tokenId: string): Promise<void> {
    const id = this.nextId();
    const placeholder: DeleteOperation = { id, identity: who, sentAt: this.env.now(), kind: 'delete', tokenId };
    const index = this.operations.push(placeholder) - 1;
    const exchange = await this.send(actor, ops.deleteRequest(tokenId), id);
    if (!exchange) return void this.operations.splice(index, 1, { ...placeholder, id: -id });
    const answeredAt = this.env.now();
    if (!exchange.response) return;
    const status = exchange.response.status;
    // The cleanup deletes what is still open: a 200 or 404 of the owner's own token closes it.
    if ((status === 200 || status === 404) && this.tokens[who].some((t) => t.id === tokenId))
      this.env.ledger.markDeleteAnswered(who, tokenId);
    this.operations[index] = { ...placeholder, answer: { answeredAt, status } };
  }

  private async list(who: Who, actor: Actor): Promise<void> {
    const id = this.nextId();
    const placeholder: ListOperation = { id, identity: who, sentAt: this.env.now(), kind: 'list' };
    const index = this.operations.push(placeholder) - 1;
    const items: ListedItem[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    for (let pages = 1; pages <= maxPages; pages++) {
      const exchange = await this.send(actor, ops.listRequest(10, nextToken), id);
      if (!exchange) return void this.operations.splice(index, 1, { ...placeholder, id: -id });
      const answeredAt = this.env.now();
      if (!exchange.response) return;
      const status = exchange.response.status;
      const body = readResponse(exchange).json as { items?: unknown; nextToken?: unknown } | undefined;
      if (status !== 200 || !Array.isArray(body?.items)) {
        this.operations[index] = { ...placeholder, answer: { answeredAt, status: status === 200 ? 0 : status, items: [], pages } };
        return;
      }
      for (const item of body.items as Array<{ id?: unknown; name?: unknown; expiresTime?: unknown }>) {
        if (typeof item?.id !== 'string' || typeof item.name !== 'string') continue;
        items.push({ id: item.id, name: item.name, ...(typeof item.expiresTime === 'string' ? { expiresTime: item.expiresTime } : {}) });
      }
      // A missing, null or empty nextToken ends the listing (contract §2.2); one seen before never would.
      const next = typeof body.nextToken === 'string' && body.nextToken !== '' ? body.nextToken : undefined;
      if (next === undefined || seen.has(next) || pages === maxPages) {
        const ended = next === undefined;
        this.operations[index] = { ...placeholder, answer: { answeredAt, status: ended ? 200 : 0, items, pages } };
        return;
      }
      seen.add(next);
      nextToken = next;
    }
  }

  /** The history as the judge reads it: operations that were sent (a step cut by the budget is not). */
  history(): Operation[] {
    return this.operations.filter((op) => op.id > 0);
  }
}
