// The programmatic API: runConformance() and exploreConformance() resolve to the same reports the
// commands write, against the embedded reference by default, print nothing and write no file
// unless asked, and reject bad options with the CLI's usage errors.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { CannotRunError, ExitCode, UsageError, exploreConformance, runConformance } from '../src/index.js';
import type { CaseResult } from '../src/verdict.js';
import { scenarios } from '../suites/index.js';
import { otherToken, ownerToken, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

describe('runConformance()', () => {
  it('against the embedded reference: conformant, exit code 0, every case run, nothing printed', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    const finished: CaseResult[] = [];
    try {
      const report = await runConformance({ seed: 7, onCase: (result) => finished.push(result) });
      expect(report.schemaVersion).toBe(1);
      expect(report.verdict).toBe('conformant');
      expect(report.exitCode).toBe(ExitCode.Conformant);
      expect(report.complete).toBe(true);
      expect(report.target.embedded).toBe(true);
      expect(report.options.seed).toBe(7);
      expect(report.summary.failed).toBe(0);
      expect(report.cases.length).toBeGreaterThan(20);
      expect(finished.map((c) => c.case)).toEqual(report.cases.map((c) => c.case));
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  it('against a faulty reference: non-conformant, exit code 1, the case for the fault failed', async () => {
    await withReference({ users: [ownerToken, otherToken], faults: ['success-204'] }, async (server) => {
      const report = await runConformance({ target: server.url, token: ownerToken, otherToken, scenarios: ['valid-delete'] });
      expect(report.verdict).toBe('non-conformant');
      expect(report.exitCode).toBe(ExitCode.NonConformant);
      expect(report.cases.find((c) => c.case === 'fresh token')?.status).toBe('failed');
    });
  });

  it('writes the reports it is asked for, and only those', async () => {
    const out = await tempDir();
    const report = await runConformance({ scenarios: ['valid-delete'], reporters: ['json'], out });
    expect(await readdir(out)).toEqual(['pat-conformance.json']);
    expect(JSON.parse(await readFile(join(out, 'pat-conformance.json'), 'utf8'))).toEqual(report);
  });

  it('stopped by its signal: incomplete, 130, as after Ctrl-C', async () => {
    const controller = new AbortController();
    const report = await runConformance({
      onCase: () => controller.abort(),
      signal: controller.signal,
    });
    expect(report.verdict).toBe('incomplete');
    expect(report.complete).toBe(false);
    expect(report.interrupted).toBe('SIGINT');
    expect(report.exitCode).toBe(ExitCode.Sigint);
    // The first case, and those beside it that had finished before the abort: never all of them,
    // and none cut short (a case that ends after the interruption is not a verdict).
    expect(report.cases.length).toBeGreaterThanOrEqual(1);
    expect(report.cases.length).toBeLessThan(scenarios.reduce((n, s) => n + s.cases.length, 0));
    expect(report.cases.every((c) => c.status === 'passed')).toBe(true);
  });

  it('rejects bad options with the usage error (exit code 2), an unreachable target with exit code 3', async () => {
    await expect(runConformance({ scenarios: ['no-such-scenario'] })).rejects.toThrow(UsageError);
    await expect(runConformance({ target: 'http://127.0.0.1:9' })).rejects.toMatchObject({ exitCode: ExitCode.Usage });
    await expect(runConformance({ target: 'http://127.0.0.1:9', token: ownerToken, timeout: 2000 })).rejects.toThrow(CannotRunError);
  });
});

describe('exploreConformance()', () => {
  it('against the embedded reference: no violation within a budget of 200 requests, nothing written', async () => {
    const report = await exploreConformance({ budget: 200, seed: 11 });
    expect(report.kind).toBe('explore');
    expect(report.verdict).toBe('no-violation');
    expect(report.exitCode).toBe(ExitCode.Conformant);
    expect(report.violation).toBeUndefined();
    expect(report.seed).toBe(11);
    expect(report.options.budget).toBe(200);
    expect(report.target.embedded).toBe(true);
  });

  it('finds the violation of a faulty reference, and writes explore.json when asked', async () => {
    const out = await tempDir();
    await withReference({ users: [ownerToken, otherToken], faults: ['no-owner-check'] }, async (server) => {
      const report = await exploreConformance({
        target: server.url,
        token: ownerToken,
        otherToken,
        budget: 2000,
        seed: 1,
        reporters: ['json'],
        out,
      });
      expect(report.verdict).toBe('violation');
      expect(report.exitCode).toBe(ExitCode.NonConformant);
      expect(report.violation?.source).toMatch(/^contract §/);
      const written = await readFile(join(out, 'explore.json'), 'utf8');
      expect(JSON.parse(written)).toEqual(report);
      expect(written).not.toContain(ownerToken);
    });
  });

  it('rejects bad options with the usage error', async () => {
    await expect(exploreConformance({ budget: 0 })).rejects.toThrow(/--budget must be a whole number of 1 or more/);
    await expect(exploreConformance({ token: ownerToken })).rejects.toThrow(UsageError);
  });
});

describe('docs/api.md', () => {
  it("the run example runs as written (with 'pat-conformance' the built package)", async () => {
    const doc = await readFile(new URL('../docs/api.md', import.meta.url), 'utf8');
    const example = /## A run\n\n```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toContain("from 'pat-conformance'");
    const dir = await tempDir();
    const file = join(dir, 'check-conformance.mjs');
    const index = new URL('../dist/src/index.js', import.meta.url).href;
    await writeFile(file, example!.replace("from 'pat-conformance'", `from ${JSON.stringify(index)}`));
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: dir });
    expect(stdout).toMatch(/^conformant \(exit code 0\): (\d+) of \1 cases passed\n$/);
  });
});
