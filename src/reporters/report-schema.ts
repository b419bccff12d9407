// JSON Schema (draft-07) of the JSON report, schemaVersion 1. Typed as JSONSchemaType so the
// compiler rejects this schema when it drifts from the RunReport type in verdict.ts; the tests
// validate real reports against it. docs/report-format.md explains the fields in prose.
//
// Objects are closed (additionalProperties: false) so that the tests catch a field added to
// verdict.ts but not described here. Consumers should still ignore fields they do not know:
// new optional fields may appear without a schemaVersion bump (see the docs).
import type { JSONSchemaType } from 'ajv';
import type { CaseResult, CheckResult, Evidence, RunReport, TimelineEntry } from '../verdict.js';

const headers = {
  type: 'object',
  required: [],
  additionalProperties: { type: 'string' },
} as const;

const evidenceSchema: JSONSchemaType<Evidence> = {
  type: 'object',
  additionalProperties: false,
  required: ['request'],
  properties: {
    request: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'path', 'headers'],
      properties: {
        method: { type: 'string', minLength: 1 },
        path: { type: 'string' },
        headers,
        body: { type: 'string', nullable: true },
      },
    },
    response: {
      type: 'object',
      nullable: true,
      additionalProperties: false,
      required: ['status', 'headers', 'body', 'truncated'],
      properties: {
        status: { type: 'integer', minimum: 100, maximum: 599 },
        headers,
        body: { type: 'string' },
        truncated: { type: 'boolean' },
      },
    },
    transportError: { type: 'string', nullable: true },
    schemaPath: { type: 'string', nullable: true },
    instancePath: { type: 'string', nullable: true },
  },
};

const level = { type: 'string', enum: ['must', 'should'] } as const;

const checkSchema: JSONSchemaType<CheckResult> = {
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'source', 'level', 'passed', 'message'],
  properties: {
    rule: { type: 'string' },
    source: { type: 'string' },
    level,
    passed: { type: 'boolean' },
    message: { type: 'string' },
    evidence: { ...evidenceSchema, nullable: true },
  },
};

const timelineEntrySchema: JSONSchemaType<TimelineEntry> = {
  type: 'object',
  additionalProperties: false,
  required: ['atMs', 'durationMs', 'outcome'],
  properties: {
    atMs: { type: 'number', minimum: 0 },
    durationMs: { type: 'number', minimum: 0 },
    outcome: { type: 'string', minLength: 1 },
  },
};

const caseSchema: JSONSchemaType<CaseResult> = {
  type: 'object',
  additionalProperties: false,
  required: ['scenario', 'case', 'title', 'level', 'rule', 'source', 'status', 'checks', 'durationMs'],
  properties: {
    scenario: { type: 'string', minLength: 1 },
    case: { type: 'string', minLength: 1 },
    title: { type: 'string' },
    level,
    rule: { type: 'string' },
    source: { type: 'string' },
    status: { type: 'string', enum: ['passed', 'failed', 'warned', 'skipped', 'inconclusive', 'errored'] },
    reason: { type: 'string', nullable: true },
    checks: { type: 'array', items: checkSchema },
    timeline: { type: 'array', nullable: true, items: timelineEntrySchema },
    durationMs: { type: 'number', minimum: 0 },
  },
};

const count = { type: 'integer', minimum: 0 } as const;

export const runReportSchema: JSONSchemaType<RunReport> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'pat-conformance run report',
  type: 'object',
  additionalProperties: false,
  required: [
    'schemaVersion',
    'tool',
    'target',
    'startedAt',
    'finishedAt',
    'durationMs',
    'options',
    'strict',
    'complete',
    'verdict',
    'exitCode',
    'summary',
    'cases',
    'leftovers',
  ],
  properties: {
    schemaVersion: { type: 'integer', const: 1 },
    tool: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      properties: { name: { type: 'string' }, version: { type: 'string' } },
    },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'embedded'],
      properties: {
        url: { type: 'string' },
        embedded: { type: 'boolean' },
        replay: { type: 'string', nullable: true },
      },
    },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'number', minimum: 0 },
    options: { type: 'object', required: [] },
    strict: { type: 'boolean' },
    complete: { type: 'boolean' },
    interrupted: { type: 'string', nullable: true, enum: ['SIGINT', 'SIGTERM'] },
    verdict: { type: 'string', enum: ['conformant', 'non-conformant', 'incomplete'] },
    exitCode: { type: 'integer', minimum: 0, maximum: 255 },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: ['total', 'passed', 'failed', 'warned', 'skipped', 'inconclusive', 'errored'],
      properties: {
        total: count,
        passed: count,
        failed: count,
        warned: count,
        skipped: count,
        inconclusive: count,
        errored: count,
      },
    },
    cases: { type: 'array', items: caseSchema },
    leftovers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'identity', 'reason'],
        properties: {
          id: { type: 'string' },
          identity: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
  },
};
