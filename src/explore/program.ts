// What `explore` generates: a program of rounds, each round a handful of operations released
// together (docs/contract.md §10; the rounds are fast-check commands, round-command.ts). The generation aims at contention: few name slots (so names
// repeat, where the target accepts duplicates), few token slots (so several workers delete the
// same token at once), creates released with deletes, listings during writes, both identities
// interleaved, and wrong-owner deletes. fast-check builds them from a seed and shrinks a failing
// program to the fewest rounds and operations that still fail.
import fc from 'fast-check';

export type Who = 'owner' | 'other';

/** One operation of a round. Slots name tokens and names by position, resolved when the round runs. */
export type Step =
  | { op: 'create'; who: Who; name: number }
  /** Delete `who`'s token in slot `token` (tokens in creation order, wrapping round). */
  | { op: 'delete'; who: Who; token: number }
  /** `who` deletes the other identity's token in slot `token`: refused, and nothing changes. */
  | { op: 'wrong-owner-delete'; who: Who; token: number }
  | { op: 'list'; who: Who };

export interface ProgramShape {
  /** Operations released together at most (--concurrency). */
  concurrency: number;
  /** Whether the run has a second identity (without one, every step is the owner's). */
  otherIdentity: boolean;
}

/** Few slots: contention is the point. */
const nameSlots = 4;
const tokenSlots = 6;

export function stepArbitrary(shape: ProgramShape): fc.Arbitrary<Step> {
  const who: fc.Arbitrary<Who> = shape.otherIdentity ? fc.constantFrom<Who>('owner', 'other') : fc.constant<Who>('owner');
  const slot = (n: number) => fc.integer({ min: 0, max: n - 1 });
  const steps: Array<fc.WeightedArbitrary<Step>> = [
    { weight: 4, arbitrary: fc.record({ op: fc.constant('create' as const), who, name: slot(nameSlots) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), who, token: slot(tokenSlots) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('list' as const), who }) },
  ];
  if (shape.otherIdentity) {
    steps.push({ weight: 1, arbitrary: fc.record({ op: fc.constant('wrong-owner-delete' as const), who, token: slot(tokenSlots) }) });
  }
  return fc.oneof(...steps);
}

/** A round: up to `concurrency` steps, plus a chance of the same delete from several workers. */
export function roundArbitrary(shape: ProgramShape): fc.Arbitrary<Step[]> {
  const steps = fc.array(stepArbitrary(shape), { minLength: 1, maxLength: Math.max(1, shape.concurrency) });
  const samePiled = fc.record({
    who: fc.constant<Who>('owner'),
    token: fc.integer({ min: 0, max: tokenSlots - 1 }),
    copies: fc.integer({ min: 2, max: Math.max(2, shape.concurrency) }),
  });
  // One identity's full round: as many of its requests in flight as the concurrency allows,
  // where a target that sheds load (acknowledges a write it never applies) shows.
  const full = Math.max(2, shape.concurrency);
  const oneIdentity = fc
    .tuple(
      shape.otherIdentity ? fc.constantFrom<Who>('owner', 'other') : fc.constant<Who>('owner'),
      fc.array(stepArbitrary({ ...shape, otherIdentity: false }), { minLength: full, maxLength: full }),
    )
    .map(([who, round]) => round.map((step): Step => ({ ...step, who })));
  return fc.oneof(
    { weight: 4, arbitrary: steps },
    // The same token deleted by several workers at once: where a non-atomic delete shows.
    {
      weight: 1,
      arbitrary: samePiled.map(({ who, token, copies }) => Array.from({ length: copies }, (): Step => ({ op: 'delete', who, token }))),
    },
    { weight: 1, arbitrary: oneIdentity },
  );
}

/** One line per round, as the counterexample prints it. */
export function describeStep(step: Step): string {
  switch (step.op) {
    case 'create':
      return `${step.who} creates name#${step.name}`;
    case 'delete':
      return `${step.who} deletes token#${step.token}`;
    case 'wrong-owner-delete':
      return `${step.who} deletes ${step.who === 'owner' ? 'other' : 'owner'}'s token#${step.token}`;
    case 'list':
      return `${step.who} lists`;
  }
}
