// IDs are not reused (contract §6.6): no ID is given twice, whatever the order of the creates,
// so this needs no search. Where IDs are scoped per identity (§2.5) the rule is per identity;
// otherwise an ID given to one identity and then to another is a reuse too.

import { describe, finding, type Finding } from './findings.js';
import type { CreateOperation, History, JudgeOptions } from './history.js';
import { createOutcome } from './model.js';

export function checkFreshIds(history: History, options: JudgeOptions): Finding[] {
  const findings: Finding[] = [];
  const first = new Map<string, CreateOperation>();
  const creates = history.operations
    .filter((op): op is CreateOperation => op.kind === 'create' && createOutcome(op) === 'created')
    .sort((a, b) => (a.answer?.answeredAt ?? 0) - (b.answer?.answeredAt ?? 0) || a.sentAt - b.sentAt);
  for (const op of creates) {
    const tokenId = op.answer?.tokenId as string;
    const scope = options.idsScopedPerIdentity ? `${op.identity}\u0000${tokenId}` : tokenId;
    const earlier = first.get(scope);
    if (!earlier) {
      first.set(scope, op);
      continue;
    }
    const to = earlier.identity === op.identity ? op.identity : `${earlier.identity} (IDs are not scoped per identity)`;
    findings.push(
      finding(
        '6.6',
        'A create never returns an ID that was given before',
        `${describe(op)} returned token ID ${tokenId}, already given to ${to} by ${describe(earlier)}`,
        [earlier, op],
      ),
    );
  }
  return findings;
}
