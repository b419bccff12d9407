// The judge of `explore` histories, as the rest of explore (generation, sending, reports) uses it.
export { judgeHistory, defaultMaxStates } from './judge.js';
export { byNamePrefix, endOf } from './history.js';
export type {
  Answer,
  CreateAnswer,
  CreateOperation,
  DeleteOperation,
  History,
  Identity,
  JudgeOptions,
  ListAnswer,
  ListedItem,
  ListOperation,
  Millis,
  Operation,
} from './history.js';
export type { Judgement, JudgeStats, Violation } from './verdict.js';
