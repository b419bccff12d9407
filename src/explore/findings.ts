// A violation as the checks find it, and the phrases every check writes it with: operations
// are named by who sent them, what they were, how they were answered and their interval, so
// that a message can be read without the history at hand.

import type { ContractSection } from '../contract/sections.js';
import { endOf, type Operation } from './history.js';
import type { Violation } from './verdict.js';

/** A violation and the moment it became evident (the latest answer among its operations). */
export interface Finding {
  readonly violation: Violation;
  readonly at: number;
}

export function finding(section: ContractSection, rule: string, message: string, ops: readonly Operation[]): Finding {
  const unique = [...new Map(ops.map((op) => [op.id, op])).values()].sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
  const at = Math.max(...unique.map((op) => (Number.isFinite(endOf(op)) ? endOf(op) : op.sentAt)));
  return { violation: { section, rule, message, operations: unique.map((op) => op.id) }, at };
}

/** "[120ms, 130ms]", or "[120ms, no answer]". */
export function span(op: Operation): string {
  return op.answer ? `[${op.sentAt}ms, ${op.answer.answeredAt}ms]` : `[${op.sentAt}ms, no answer]`;
}

/** "answered 404 at [120ms, 130ms]", or "sent at 120ms and never answered". */
export function answered(op: Operation): string {
  return op.answer ? `answered ${op.answer.status} at ${span(op)}` : `sent at ${op.sentAt}ms and never answered`;
}

/** "owner's create "patc-x-1" answered 201 at [...]". */
export function describe(op: Operation): string {
  switch (op.kind) {
    case 'create':
      return `${op.identity}'s create "${op.name}" ${answered(op)}`;
    case 'delete':
      return `${op.identity}'s delete of token ${op.tokenId} ${answered(op)}`;
    case 'list': {
      const pages = op.answer && op.answer.pages > 1 ? ` (${op.answer.pages} pages)` : '';
      return `${op.identity}'s listing${pages} at ${span(op)}`;
    }
  }
}

/** Two timestamps as equal instants when both parse as dates (a target may reformat them), else as strings. */
export function sameTime(a: string, b: string): boolean {
  const x = Date.parse(a);
  const y = Date.parse(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x === y : a === b;
}
