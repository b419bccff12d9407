// Every scenario family, in the order a run takes them. Identity isolation goes first: its
// tokens are created early, when on a target with per-identity IDs both identities' counters
// are still close, so that IDs are shared (contract §6.3). The burst goes last: it spends the
// target's throttling budget, which would slow every scenario after it.
import type { CaseDefinition, Scenario } from '../src/scenario-api.js';
import identityIsolation from './identity-isolation.js';
import validDelete from './valid-delete.js';
import wrongOwner from './wrong-owner.js';
import missingId from './missing-id.js';
import idLength from './id-length.js';
import unknownId from './unknown-id.js';
import exactMatch from './exact-match.js';
import idInjection from './id-injection.js';
import unauthenticated from './unauthenticated.js';
import concurrentConflict from './concurrent-conflict.js';
import throttleBurst from './throttle-burst.js';

export const scenarios: ReadonlyArray<Scenario<CaseDefinition>> = [
  identityIsolation,
  validDelete,
  wrongOwner,
  missingId,
  idLength,
  unknownId,
  exactMatch,
  idInjection,
  unauthenticated,
  concurrentConflict,
  throttleBurst,
];
