// Tokens each identity held before the exploration began. The exploration never deletes them
// (it deletes only its own tokens, by ID) and never sends a wrong-owner delete for their IDs, so
// on a conformant target every complete listing of their owner shows them unchanged, and so does
// a listing after the exploration (contract §6.3, §6.2). A token that expires while the
// exploration runs may rightly vanish and is not judged.
import { cite } from '../contract/sections.js';
import type { Operation } from './history.js';
import type { Who } from './program.js';
import type { ExploreFinding } from './report.js';

export interface HeldToken {
  id: string;
  name?: string;
  expiresTime?: string;
}

export type HeldBefore = Record<Who, ReadonlyMap<string, HeldToken>>;

/** Tokens of the identity that can be judged: those that do not expire before `horizon` (epoch ms). */
function judgeable(held: ReadonlyMap<string, HeldToken>, horizon: number): HeldToken[] {
  return [...held.values()].filter((token) => token.expiresTime === undefined || !(Date.parse(token.expiresTime) <= horizon));
}

/** What is wrong with a complete listing of `who`, if anything: a held token missing or changed. */
function problemWith(items: ReadonlyArray<{ id: string; name?: string; expiresTime?: string }>, held: HeldToken[]): string | undefined {
  const listed = new Map(items.map((item) => [item.id, item]));
  for (const token of held) {
    const item = listed.get(token.id);
    if (!item) return `does not show token ${token.id}${token.name ? ` ("${token.name}")` : ''}, which it held before the exploration`;
    if (token.name !== undefined && item.name !== token.name)
      return `shows token ${token.id}, held before the exploration, renamed from "${token.name}" to "${item.name}"`;
    if (token.expiresTime !== undefined && item.expiresTime !== undefined && item.expiresTime !== token.expiresTime) {
      return `shows token ${token.id}, held before the exploration, with expiresTime ${item.expiresTime} instead of ${token.expiresTime}`;
    }
  }
  return undefined;
}

const rule = 'tokens an identity held before the exploration are never removed or changed by it';

/** The first complete listing of a program that misses or changes a token its caller held before. */
export function heldTokensFinding(operations: readonly Operation[], heldBefore: HeldBefore, horizon: number): ExploreFinding | undefined {
  for (const op of operations) {
    if (op.kind !== 'list' || op.answer?.status !== 200) continue;
    const problem = problemWith(op.answer.items, judgeable(heldBefore[op.identity as Who], horizon));
    if (problem) {
      const interval = `[${op.sentAt}ms, ${op.answer.answeredAt}ms]`;
      return {
        section: '6.3',
        rule,
        source: cite('10', '6.3', '6.2'),
        message: `${op.identity}'s listing at ${interval} ${problem}`,
        operations: [op.id],
      };
    }
  }
  return undefined;
}

/** The same rule on the listings taken after the exploration. */
export function heldTokensAfter(
  after: Partial<Record<Who, HeldToken[]>>,
  heldBefore: HeldBefore,
  horizon: number,
): ExploreFinding | undefined {
  for (const who of ['owner', 'other'] as const) {
    const items = after[who];
    if (!items) continue;
    const problem = problemWith(items, judgeable(heldBefore[who], horizon));
    if (problem)
      return {
        section: '6.3',
        rule,
        source: cite('10', '6.3', '6.2'),
        message: `${who}'s listing after the exploration ${problem}`,
        operations: [],
      };
  }
  return undefined;
}
