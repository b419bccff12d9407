// A round as a fast-check model-based command: fast-check generates lists of them from a seed,
// runs them in order, and shrinks a failing list by dropping rounds and steps. The model is what
// the program itself knows (how many creates each identity sent), so that a shrunk program never
// keeps a delete whose token no create is left to make.
import fc from 'fast-check';
import { describeStep, roundArbitrary, type ProgramShape, type Step, type Who } from './program.js';

/** Rounds in one program at most: long enough for a create, a delete and a late listing to meet. */
const maxRounds = 12;

export interface ExploreModel {
  created: Record<Who, number>;
}

/** What a round runs against: the execution, and the wait after a throttled round. */
export interface ExploreReal {
  round(steps: readonly Step[]): Promise<void>;
}

export function freshModel(): ExploreModel {
  return { created: { owner: 0, other: 0 } };
}

function applicable(step: Step, model: Readonly<ExploreModel>): boolean {
  switch (step.op) {
    case 'create':
    case 'list':
      return true;
    case 'delete':
      return model.created[step.who] > 0;
    case 'wrong-owner-delete':
      return model.created[step.who === 'owner' ? 'other' : 'owner'] > 0;
  }
}

export class RoundCommand implements fc.AsyncCommand<ExploreModel, ExploreReal> {
  /** The steps the last run sent (a delete with no token to name is dropped): what a counterexample shows. */
  private sent: readonly Step[] | undefined;

  constructor(readonly steps: readonly Step[]) {}

  check(model: Readonly<ExploreModel>): boolean {
    return this.steps.some((step) => applicable(step, model));
  }

  async run(model: ExploreModel, real: ExploreReal): Promise<void> {
    const steps = this.steps.filter((step) => applicable(step, model));
    for (const step of steps) if (step.op === 'create') model.created[step.who]++;
    this.sent = steps;
    await real.round(steps);
  }

  toString(): string {
    return (this.sent ?? this.steps).map(describeStep).join(' || ');
  }
}

/** Programs of rounds (fast-check commands), generated from the seed. */
export function programArbitrary(shape: ProgramShape): fc.Arbitrary<Iterable<fc.AsyncCommand<ExploreModel, ExploreReal>>> {
  return fc.commands([roundArbitrary(shape).map((steps) => new RoundCommand(steps))], { maxCommands: maxRounds });
}
