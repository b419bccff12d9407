// Every scenario family, in the order a run takes them. The burst goes last: it spends the
// target's throttling budget, which would slow every scenario after it.
import type { Scenario, CaseDefinition } from '../src/scenario.js';
import validDelete from './valid-delete.js';
import wrongOwner from './wrong-owner.js';
import missingId from './missing-id.js';
import idLength from './id-length.js';
import unknownId from './unknown-id.js';
import idInjection from './id-injection.js';
import unauthenticated from './unauthenticated.js';
import concurrentConflict from './concurrent-conflict.js';
import throttleBurst from './throttle-burst.js';

export const scenarios: ReadonlyArray<Scenario<CaseDefinition>> = [
  validDelete,
  wrongOwner,
  missingId,
  idLength,
  unknownId,
  idInjection,
  unauthenticated,
  concurrentConflict,
  throttleBurst,
] as unknown as ReadonlyArray<Scenario<CaseDefinition>>;
