// What `explore` reports: the summary, and a violation's counterexample as a timeline of
// operations with their intervals and answers. Names and IDs of the exploration's own tokens
// appear; bearers and token secrets never do (the redactor sees every text first).
import { readResponse } from '../checks/response-reading.js';
import { ExitCode } from '../exit-codes.js';
import { toolName, toolVersion } from '../tool-info.js';
import type { ContractSection } from '../contract/sections.js';
import type { Leftover } from '../engine/cleanup.js';
import type { SecretRedactor } from '../secrets/registry.js';
import type { Exchange } from '../transport/exchange.js';
import type { Operation } from './history.js';

export interface ExploreFinding {
  section: ContractSection;
  rule: string;
  /** The contract sections it comes from, as cited everywhere: "contract §10 ...; contract §6.5 ...". */
  source: string;
  message: string;
  /** The operations of the timeline that show it. */
  operations: number[];
}

/** One operation of a counterexample, times in milliseconds from the exploration's start. */
export interface TimelineEntry {
  operation: number;
  identity: string;
  kind: 'create' | 'delete' | 'list';
  /** The name created, the ID deleted; empty for a listing. */
  subject: string;
  sentAt: number;
  /** Absent: no answer came. */
  answeredAt?: number;
  /** "201 id=7", "404 ResourceNotFoundException", "200: 7, 9 (2 pages)", "no answer (timeout)". */
  answer: string;
  /** One of the operations the violation names. */
  involved: boolean;
}

export interface ExploreViolation extends ExploreFinding {
  /** The program that failed, one round per line (fast-check commands). */
  program: string[];
  timeline: TimelineEntry[];
  /** The smallest failing program, run again: how often it failed again. */
  confirmed?: { runs: number; reproduced: number };
}

export interface ExploreSummary {
  seed: number;
  programs: number;
  requests: number;
  /** Why the search ended: a violation, the request budget, the time limit, SIGINT/SIGTERM, or every run done. */
  stopped: 'violation' | 'budget' | 'time' | 'interrupted' | 'runs';
  shrinks: number;
  leftovers: Leftover[];
  violation?: ExploreViolation;
}

/** @param namePrefix the program's token names start with it: listings show those, and count the rest. */
/** The JSON report of `explore` (explore.json), and what the HTML report draws. */
export interface ExploreReport extends ExploreSummary {
  schemaVersion: 1;
  kind: 'explore';
  tool: { name: string; version: string };
  target: { url: string; embedded: boolean };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  options: {
    budget: number;
    concurrency: number;
    timeLimitSeconds: number;
    timeoutMs: number;
    otherIdentity: boolean;
    /** --shard i/n, and the seed given to all shards; `seed` above is this shard's own. */
    shard?: { index: number; count: number; seed: number };
  };
  /** 'violation' fails the gate (exit 1), as do tokens left behind; 'incomplete': interrupted. */
  verdict: 'no-violation' | 'violation' | 'incomplete';
  exitCode: number;
}

/** What an exploration was, besides its summary: the report is made of both. */
export interface ExploreRunFacts {
  targetUrl: string;
  embedded: boolean;
  startedAt: Date;
  finishedAt: Date;
  options: ExploreReport['options'];
  /** The signal that interrupted the exploration, if one did. */
  interrupted: 'SIGINT' | 'SIGTERM' | undefined;
}

/**
 * The report of a finished exploration, for `explore` and exploreConformance() alike: a violation
 * or a token left behind fails (exit 1) even when interrupted; else an interruption is incomplete.
 */
export function exploreReportOf(summary: ExploreSummary, facts: ExploreRunFacts): ExploreReport {
  const violated = summary.violation !== undefined || summary.leftovers.length > 0;
  const { interrupted } = facts;
  return {
    schemaVersion: 1,
    kind: 'explore',
    tool: { name: toolName, version: toolVersion },
    target: { url: facts.targetUrl, embedded: facts.embedded },
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    durationMs: facts.finishedAt.getTime() - facts.startedAt.getTime(),
    options: facts.options,
    verdict: violated ? 'violation' : interrupted ? 'incomplete' : 'no-violation',
    exitCode: violated
      ? ExitCode.NonConformant
      : interrupted
        ? interrupted === 'SIGTERM'
          ? ExitCode.Sigterm
          : ExitCode.Sigint
        : ExitCode.Conformant,
    ...summary,
  };
}

export function timelineOf(
  operations: readonly Operation[],
  exchanges: ReadonlyMap<number, Exchange[]>,
  involved: readonly number[],
  redactor: SecretRedactor,
  namePrefix: string,
): TimelineEntry[] {
  return [...operations]
    .sort((a, b) => a.sentAt - b.sentAt || a.id - b.id)
    .map((op) => ({
      operation: op.id,
      identity: op.identity,
      kind: op.kind,
      subject: redactor.text(op.kind === 'create' ? op.name : op.kind === 'delete' ? op.tokenId : ''),
      sentAt: Math.round(op.sentAt * 10) / 10,
      ...(op.answer ? { answeredAt: Math.round(op.answer.answeredAt * 10) / 10 } : {}),
      answer: redactor.text(answerOf(op, exchanges.get(op.id) ?? [], namePrefix)),
      involved: involved.includes(op.id),
    }));
}

function answerOf(op: Operation, exchanges: readonly Exchange[], namePrefix: string): string {
  const last = exchanges[exchanges.length - 1];
  if (!op.answer) return `no answer (${last?.transportError?.kind ?? 'not sent'})`;
  const status = op.answer.status;
  const named = last ? readResponse(last).errorName : undefined;
  if (op.kind === 'create')
    return op.answer.tokenId !== undefined ? `${status} id=${op.answer.tokenId}` : `${status}${named ? ` ${named}` : ''}`;
  if (op.kind === 'list' && op.answer.status === 200) {
    const answer = op.answer as { items: ReadonlyArray<{ id: string; name: string }>; pages: number };
    const ids = answer.items.filter((item) => item.name.startsWith(namePrefix)).map((item) => item.id);
    const others = answer.items.length - ids.length;
    const rest = [others > 0 ? `+${others} not of this program` : '', answer.pages > 1 ? `${answer.pages} pages` : '']
      .filter(Boolean)
      .join(', ');
    return `200: ${ids.length === 0 ? '(none)' : ids.join(', ')}${rest ? ` (${rest})` : ''}`;
  }
  if (op.kind === 'list' && status === 0) return 'unusable listing (a page without items, or a nextToken that never ends)';
  return `${status}${named ? ` ${named}` : ''}`;
}

/** The timeline as text, one operation per line, the ones the violation names marked. */
export function formatTimeline(timeline: readonly TimelineEntry[]): string[] {
  return timeline.map((e) => {
    const interval = `[${e.sentAt.toFixed(1)} .. ${e.answeredAt === undefined ? '   ?' : e.answeredAt.toFixed(1)}] ms`;
    const what = e.kind === 'list' ? 'list' : `${e.kind} ${e.subject}`;
    return `${e.involved ? '>' : ' '} #${e.operation} ${e.identity.padEnd(5)} ${interval.padEnd(24)} ${what} -> ${e.answer}`;
  });
}
