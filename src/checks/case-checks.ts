// The checks of one scenario case: each scenario states a rule and hands over the exchange
// that shows it; this records the result with evidence. Shape rules are applied to every
// exchange the case saw, whatever the scenario asked for.
import type { Exchange } from '../transport/exchange.js';
import { operationOf } from '../contract/operations.js';
import { errorStatus, isErrorAnswer, type ModeledErrorName } from '../contract/errors.js';
import { cite } from '../contract/sections.js';
import type { SecretRedactor } from '../secrets/registry.js';
import type { CheckResult, Level, TimelineEntry } from '../verdict.js';
import { toEvidence } from './evidence.js';
import { readResponse, type ResponseReading } from './response-reading.js';
import { judgeShape, type ShapeFinding } from './response-shape.js';
import type { SchemaFailure } from './body-validation.js';

/** A rule as a scenario states it, beside the code that checks it. */
export interface Rule {
  rule: string;
  source: string;
  /** Defaults to the case's level. */
  level?: Level;
}

interface ShapeTally {
  finding: ShapeFinding;
  exchange: Exchange;
  count: number;
}

export class CaseChecks {
  readonly results: CheckResult[] = [];
  /** The series handed to timeline(), for the reports; undefined when the case has none. */
  timelineData: TimelineEntry[] | undefined;
  private exchangesSeen = 0;
  private readonly shapeFailures = new Map<string, ShapeTally>();

  constructor(
    private readonly caseLevel: Level,
    private readonly redactor: SecretRedactor,
  ) {}

  /** Every exchange of the case passes through here (the client's observer). */
  observe(exchange: Exchange): void {
    if (!exchange.response) return;
    this.exchangesSeen++;
    for (const finding of judgeShape(exchange, operationOf(exchange.request.method, exchange.request.path))) {
      const key = `${finding.rule}\u0000${finding.message}`;
      const tally = this.shapeFailures.get(key);
      if (tally) tally.count++;
      else this.shapeFailures.set(key, { finding, exchange, count: 1 });
    }
  }

  /** Record one rule's outcome; the exchange becomes evidence when the rule failed. */
  record(rule: Rule, passed: boolean, message: string, exchange?: Exchange, schemaFailure?: SchemaFailure): boolean {
    this.results.push({
      rule: rule.rule,
      source: rule.source,
      level: rule.level ?? this.caseLevel,
      passed,
      message,
      ...(exchange && !passed ? { evidence: toEvidence(exchange, this.redactor, schemaFailure) } : {}),
    });
    return passed;
  }

  /** The answer has one of these statuses; `expected` names them when the list is long. */
  status(exchange: Exchange, allowed: readonly number[], rule: Rule, expected = allowed.join(' or ')): boolean {
    const got = describe(exchange);
    const ok = exchange.response !== undefined && allowed.includes(exchange.response.status);
    return this.record(rule, ok, ok ? `answered ${got}` : `expected ${expected}, got ${got}`, exchange);
  }

  /** The answer is one of these modelled errors, each with its own status. */
  error(exchange: Exchange, names: readonly ModeledErrorName[], rule: Rule): boolean {
    const reading = readResponse(exchange);
    const expected = names.map((n) => `${errorStatus[n]} ${n}`).join(' or ');
    const ok = isErrorAnswer(reading.status, reading.errorName, names);
    return this.record(
      rule,
      ok,
      ok ? `answered ${describe(exchange, reading)}` : `expected ${expected}, got ${describe(exchange, reading)}`,
      exchange,
    );
  }

  /** Keep a series of requests sent as one (a burst) for the reports' timeline, in issue order. */
  timeline(exchanges: Exchange[]): void {
    const first = exchanges.reduce((min, e) => Math.min(min, e.startedAt), Infinity);
    this.timelineData = exchanges.map((e) => ({
      atMs: e.startedAt - first,
      durationMs: e.durationMs,
      outcome: e.response ? String(e.response.status) : (e.transportError?.kind ?? 'other'),
    }));
  }

  /** Close the case's shape rules: one result per distinct shape failure, or one pass. */
  finishShapeChecks(): void {
    if (this.exchangesSeen === 0) return;
    if (this.shapeFailures.size === 0) {
      this.record(
        { rule: 'every response of the case is well-formed', source: cite('7'), level: 'must' },
        true,
        `${this.exchangesSeen} responses checked`,
      );
      return;
    }
    for (const { finding, exchange, count } of this.shapeFailures.values()) {
      const times = count > 1 ? ` (${count} responses)` : '';
      this.record(
        { rule: finding.rule, source: finding.source, level: 'must' },
        false,
        finding.message + times,
        exchange,
        finding.schemaFailure,
      );
    }
  }
}

/** "404 ResourceNotFoundException", "200 (0 bytes)", or the transport error. */
export function describe(exchange: Exchange, reading: ResponseReading = readResponse(exchange)): string {
  if (exchange.transportError) return `no answer (${exchange.transportError.kind}: ${exchange.transportError.message})`;
  const response = exchange.response!;
  if (response.status >= 300) return `${response.status} ${reading.errorName ?? '(unnamed error)'}`;
  return `${response.status} (${response.bodyBytes} bytes)`;
}
