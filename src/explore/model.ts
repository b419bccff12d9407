// The sequential model the history is judged against (contract §2, §4, §6): per identity, a set
// of tokens (ID, name, expiresTime). Here it is said twice: what each answer means for the set
// (the outcome of an operation), and the set cut into one register per token, "present or
// not", which is what the search runs on (a set is the product of its members' registers).

import type { CreateOperation, DeleteOperation, ListOperation } from './history.js';
import type { SequentialModel } from './linearizability.js';

/**
 * created: 201 with an ID. duplicate-name: 409, legal only while the caller holds a token of
 * that name, no effect. no-effect: 429 (§4), another 4xx (refused, §3.4). uncertain: no answer,
 * a 5xx, a 201 without an ID, anything else: it may or may not have created a token.
 */
export type CreateOutcome = 'created' | 'duplicate-name' | 'no-effect' | 'uncertain';

export function createOutcome(op: CreateOperation): CreateOutcome {
  const answer = op.answer;
  if (answer === undefined) return 'uncertain';
  if (answer.status === 201) return answer.tokenId === undefined ? 'uncertain' : 'created';
  if (answer.status === 409) return 'duplicate-name';
  if (answer.status >= 400 && answer.status < 500) return 'no-effect';
  return 'uncertain';
}

/**
 * deleted: 200, removed the caller's token. not-found (404) and denied (403): refused, legal
 * only while the caller does not hold the ID. no-effect: 409 ConflictException (§5.8), 429, and
 * other 4xx, legal anytime. uncertain: no answer, a 5xx, another 2xx (not conformant, §3.1, but
 * it may well have deleted): it may or may not have removed the token.
 */
export type DeleteOutcome = 'deleted' | 'not-found' | 'denied' | 'no-effect' | 'uncertain';

export function deleteOutcome(op: DeleteOperation): DeleteOutcome {
  const answer = op.answer;
  if (answer === undefined) return 'uncertain';
  if (answer.status === 200) return 'deleted';
  if (answer.status === 404) return 'not-found';
  if (answer.status === 403) return 'denied';
  if (answer.status >= 400 && answer.status < 500) return 'no-effect';
  return 'uncertain';
}

/** snapshot: one page, an atomic read. paged: several pages, judged by interval. none: no listing to read. */
export type ListOutcome = 'snapshot' | 'paged' | 'none';

export function listOutcome(op: ListOperation): ListOutcome {
  if (op.answer?.status !== 200) return 'none';
  return op.answer.pages > 1 ? 'paged' : 'snapshot';
}

/**
 * What one operation does to one token's register.
 * create: absent to present (a token is created once: IDs are not reused, §6.6).
 * delete: present to absent (a 200).
 * maybe-delete: present to absent, or nothing (a delete nobody knows the fate of).
 * observe: the operation saw the token present or absent and changed nothing (a single-page
 * listing; a refused delete saw its caller not hold it; a 409 create saw its name held; a 403
 * of another identity saw that someone held it).
 */
export type TokenStep =
  | { readonly kind: 'create' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'maybe-delete' }
  | { readonly kind: 'observe'; readonly present: boolean };

const present = [true] as const;
const absent = [false] as const;
const either = [false, true] as const;
const none = [] as const;

export const tokenRegister: SequentialModel<boolean, TokenStep> = {
  init: false,
  step(state, step) {
    switch (step.kind) {
      case 'create':
        return state ? none : present;
      case 'delete':
        return state ? absent : none;
      case 'maybe-delete':
        return state ? either : absent;
      case 'observe':
        return step.present === state ? (state ? present : absent) : none;
    }
  },
  key: (state) => (state ? '1' : '0'),
  readOnly: (step) => step.kind === 'observe',
};

/** Whether a step can change the register (the others only read it). */
export function changes(step: TokenStep): boolean {
  return step.kind !== 'observe';
}
