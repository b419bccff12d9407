// Legitimate variations of the contract must pass: a conformance tool that fails a correct
// implementation is as useless as one that passes a broken one.
import { describe, expect, it } from 'vitest';
import type { ReferenceOptions } from '../src/reference/options.js';
import { readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

const variations: Array<[string, Partial<ReferenceOptions>, string[]]> = [
  ['409 for losing racers', { conflictWindowMs: 150 }, []],
  ['404 for a wrong owner', { wrongOwnerStatus: 404 }, []],
  ['{} success bodies', { deleteBody: '{}' }, []],
  ['x-amzn-errortype with a :... suffix', { errortypeStyle: 'suffixed' }, []],
  ['namespaced x-amzn-errortype', { errortypeStyle: 'namespaced' }, []],
  ['list pages of 3', { pageSize: 3 }, []],
  ['8-character token IDs', { idStyle: 'short' }, []],
  ['36-character IDs that are not UUIDs', { idStyle: 'long' }, []],
  ['sequential IDs (1, 2, 3, ...)', { idStyle: 'sequential' }, []],
  // 5 requests a second throttles setup calls too; they are waited out, never failures.
  ['heavy throttling (5 requests a second)', { rate: 5, burst: 5 }, ['--scenario', 'valid-delete,wrong-owner,concurrent-conflict,throttle-burst', '--burst', '60']],
];

describe.concurrent('conformant variations pass', { timeout: 180_000 }, () => {
  it.each(variations)('%s', async (_name, options, extra) => {
    const out = await tempDir();
    const result = await withReference(options, (server) => runCli(['run', ...targetArgs(server.url), '--quiet', '--out', out, ...extra]));
    const report = await readReport(out);
    const bad = report.cases.filter((c) => c.status === 'failed' || c.status === 'errored');
    expect(bad.map((c) => `${c.scenario} > ${c.case}: ${c.checks.filter((k) => !k.passed).map((k) => k.message).join('; ')}`)).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.verdict).toBe('conformant');
    expect(report.leftovers).toEqual([]);
  });
});
