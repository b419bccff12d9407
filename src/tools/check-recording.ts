// `check DIR`: judge every exchange of any recording (a `run` or `proxy` recording, or plain
// HAR) against the schema rules of docs/contract.md, without sending anything:
//   - the shape rules every response of every scenario is held to (judgeShape): an error names
//     itself in x-amzn-errortype, its name agrees with its status, its body is JSON with a
//     string message; a success body matches its operation (a delete: zero bytes or {});
//   - documented statuses: each operation answers its modelled success status or one of the
//     six modelled errors (401 for missing or bad credentials too); a 5xx, another 2xx or an
//     undocumented status is not conformant;
//   - a request that got no answer at all (kept apart in a recording) is reported too.
// One case per segment (scenario case, or HAR file); identical findings are counted, with the
// first exchange as evidence.
import { CaseChecks } from '../checks/case-checks.js';
import { operationOf } from '../contract/operations.js';
import { cite } from '../contract/sections.js';
import { documentedStatuses } from '../contract/statuses.js';
import type { Exchange } from '../transport/exchange.js';
import { SecretRedactor } from '../secrets/registry.js';
import { statusOf, type CaseResult } from '../verdict.js';
import { splitSegmentName } from '../recording/recording-format.js';
import { entryToExchange, loadTraffic, type LoadedTraffic, type TrafficSource } from '../recording/recording-store.js';

const statusSource = cite('2.3', '3.3');

export const checkRules = {
  documentedStatus: 'every answer has a status its operation documents',
  answered: 'every request gets an HTTP answer',
} as const;

export interface CheckedTraffic {
  traffic: LoadedTraffic;
  cases: CaseResult[];
  exchanges: number;
}

interface Tally {
  message: string;
  exchange: Exchange;
  count: number;
}

/** Judge one segment (or HAR file) as one case. */
export function checkSource(
  source: TrafficSource,
  transportErrors: Array<{ method: string; path: string; error: { name: string; code?: string; message: string } }> = [],
  strict = false,
  identities: readonly string[] = [],
): CaseResult {
  const started = Date.now();
  // Evidence shows a recording's pseudonyms as they are; any other credential (a plain HAR
  // export may hold real ones) is shown as <redacted>.
  const redactor = new SecretRedactor();
  for (const pseudonym of identities) redactor.add(pseudonym, pseudonym);
  const checks = new CaseChecks('must', redactor);
  const statusFindings = new Map<string, Tally>();
  for (const entry of source.entries) {
    const exchange = entryToExchange(entry);
    checks.observe(exchange);
    const status = exchange.response!.status;
    const operation = operationOf(exchange.request.method, exchange.request.path);
    if (!operation) continue; // Not an operation of this API: only its shape is judged.
    const allowed = documentedStatuses(operation, exchange.request.path);
    if (!allowed.includes(status)) {
      const message = `${operation} answered ${status}, which it does not document (${allowed.join(', ')})`;
      const tally = statusFindings.get(message);
      if (tally) tally.count++;
      else statusFindings.set(message, { message, exchange, count: 1 });
    }
  }
  for (const { message, exchange, count } of statusFindings.values()) {
    checks.record(
      { rule: checkRules.documentedStatus, source: statusSource, level: 'must' },
      false,
      count > 1 ? `${message} (${count} responses)` : message,
      exchange,
    );
  }
  for (const failure of transportErrors) {
    const exchange: Exchange = {
      request: { method: failure.method as Exchange['request']['method'], path: failure.path, headers: {} },
      transportError: { kind: 'other', message: failure.error.message },
      startedAt: 0,
      durationMs: 0,
    };
    checks.record(
      { rule: checkRules.answered, source: cite('5.8', '5.9'), level: 'must' },
      false,
      `${failure.method} ${failure.path} got no answer (${failure.error.code ?? failure.error.name}: ${failure.error.message})`,
      exchange,
    );
  }
  if (source.entries.length > 0 && statusFindings.size === 0) {
    checks.record(
      { rule: checkRules.documentedStatus, source: statusSource, level: 'must' },
      true,
      `${source.entries.length} answers with documented statuses`,
    );
  }
  checks.finishShapeChecks();
  const [scenario, name] = splitSegmentName(source.name);
  return {
    scenario,
    case: name,
    title: 'Recorded exchanges follow the schema rules of the contract',
    level: 'must',
    rule: 'status and error name agree, errors carry a string message, success bodies match their operation, statuses are documented',
    source: cite('7'),
    status: statusOf(checks.results, strict),
    checks: checks.results,
    durationMs: Date.now() - started,
  };
}

/** Load and judge. Throws RecordingError (exit 2) for a missing, damaged or foreign recording. */
export function checkRecording(input: string, strict = false): CheckedTraffic {
  const traffic = loadTraffic(input);
  const errorsBySegment = new Map((traffic.meta?.segments ?? []).map((s) => [s.name, s.transportErrors]));
  const cases: CaseResult[] = [];
  let exchanges = 0;
  const names = new Set(traffic.sources.map((s) => s.name));
  for (const source of traffic.sources) {
    exchanges += source.entries.length;
    cases.push(checkSource(source, errorsBySegment.get(source.name) ?? [], strict, traffic.meta?.identities));
  }
  // Segments whose only traffic was requests without an answer.
  for (const segment of traffic.meta?.segments ?? []) {
    if (!names.has(segment.name) && segment.transportErrors.length > 0) {
      cases.push(checkSource({ name: segment.name, file: '', entries: [] }, segment.transportErrors, strict, traffic.meta?.identities));
    }
  }
  return { traffic, cases, exchanges };
}
