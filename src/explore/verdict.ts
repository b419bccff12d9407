// What the judge of a recorded history answers. A violation is definite: every check behind it
// is sound (it never calls a history impossible that some legal order explains). 'unknown' is
// the search giving up at its bound, never a guess either way.
import type { ContractSection } from '../contract/sections.js';

export interface Violation {
  /** The section of docs/contract.md the history breaks ('6.6'); a later step makes it a cite(). */
  readonly section: ContractSection;
  /** The rule, as one short sentence. */
  readonly rule: string;
  /** What was impossible, in plain English, naming the identity, the token ID and the operations' intervals. */
  readonly message: string;
  /** The ids of the operations involved, as few as show it, in the order they were sent. */
  readonly operations: readonly number[];
}

export interface JudgeStats {
  /** Operations in the history. */
  readonly operations: number;
  /** Tokens judged one by one (identity, token ID): the partitions of the search. */
  readonly partitions: number;
  /** Operations the search placed (the others had their token's state fixed by their interval and were judged directly). */
  readonly searchedOperations: number;
  /** The most operations one partition's search had to place. */
  readonly largestSearch: number;
  /** States the search explored, in all partitions (the bound counts these). */
  readonly statesExplored: number;
  /** Listings of several pages, judged by the interval rule instead of the search. */
  readonly multiPageListings: number;
}

export type Judgement =
  | { readonly ok: true; readonly stats: JudgeStats }
  | { readonly ok: false; readonly violation: Violation; readonly stats: JudgeStats }
  | { readonly ok: 'unknown'; readonly reason: string; readonly stats: JudgeStats };
