// pat-conformance/vitest as an implementer uses it: a test file of their own that calls
// defineConformanceTests(), run by a real, separate `vitest run` (no config file), against the
// embedded reference (it passes and lists every case by its rule) and against a faulty reference
// (the case for the fault fails, its message naming the rule, the contract source and the evidence).
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { otherToken, ownerToken, tempDirs, withReference } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const integration = join(root, 'dist/src/vitest.js');
const vitestBin = join(root, 'node_modules/vitest/vitest.mjs');
const tempDir = tempDirs();

interface VitestJson {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{
    assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }>;
  }>;
}

/** Writes a test file calling defineConformanceTests(options) into a temp folder and runs vitest on it. */
async function runNestedVitest(options: Record<string, unknown>): Promise<{ code: number | null; stdout: string; results: VitestJson }> {
  const dir = await tempDir();
  await writeFile(
    join(dir, 'conformance.test.mjs'),
    `import { defineConformanceTests } from ${JSON.stringify(integration)};\ndefineConformanceTests(${JSON.stringify(options)});\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  // The outer vitest's own variables would make the inner one think it is a worker.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key.startsWith('PAT_CONFORMANCE_')) delete env[key];
  const resultsFile = join(dir, 'results.json');
  const child = spawn(
    process.execPath,
    [vitestBin, 'run', '--root', dir, '--reporter=verbose', '--reporter=json', `--outputFile.json=${resultsFile}`],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearTimeout(timer);
  const results = JSON.parse(await readFile(resultsFile, 'utf8')) as VitestJson;
  return { code, stdout, results };
}

const assertions = (results: VitestJson) => results.testResults.flatMap((file) => file.assertionResults);

describe('pat-conformance/vitest', () => {
  it('against the embedded reference: a describe per scenario, a passing test per case, named by its rule', async () => {
    const { code, stdout, results } = await runNestedVitest({ scenarios: ['valid-delete', 'wrong-owner'] });
    expect(code, stdout).toBe(0);
    expect(results.success).toBe(true);
    const tests = assertions(results);
    const fresh = tests.find((t) => t.title.startsWith('fresh token: '));
    expect(fresh?.status).toBe('passed');
    expect(fresh?.title).toMatch(/^fresh token: delete answers 200 .* \[must\]$/);
    expect(fresh?.ancestorTitles).toEqual(['pat-conformance', expect.stringMatching(/^valid-delete: /)]);
    expect(tests.some((t) => t.ancestorTitles[1]?.startsWith('wrong-owner: '))).toBe(true);
    expect(tests.find((t) => t.title.startsWith('deletes every token'))?.status).toBe('passed');
    expect(tests.every((t) => t.status === 'passed')).toBe(true);
    expect(stdout).toContain("other identity deletes owner's token");
  });

  it('against a faulty reference: the case for the fault fails with its rule, source and evidence; a skipped case is skipped', async () => {
    await withReference({ users: [ownerToken, otherToken], faults: ['success-204'] }, async (server) => {
      // No second identity: the wrong-owner cases are skipped, with the reason as the note.
      const { code, stdout, results } = await runNestedVitest({
        target: server.url,
        token: ownerToken,
        scenarios: ['valid-delete', 'wrong-owner'],
      });
      expect(code, stdout).toBe(1);
      expect(results.success).toBe(false);
      const fresh = assertions(results).find((t) => t.title.startsWith('fresh token: '));
      expect(fresh?.status).toBe('failed');
      const message = fresh?.failureMessages.join('\n') ?? '';
      expect(message).toContain('rule: delete answers 200 with an empty body');
      expect(message).toContain('source: contract §5.1 Valid delete');
      expect(message).toMatch(/expected 200, got 204/);
      expect(message).toContain('→ 204');
      // Bearers never reach the test output: the evidence names the identity.
      expect(message).toContain('Bearer <identity-1>');
      expect(stdout).not.toContain(ownerToken);
      const wrongOwner = assertions(results).filter((t) => t.ancestorTitles[1]?.startsWith('wrong-owner: '));
      expect(wrongOwner.length).toBeGreaterThan(0);
      expect(wrongOwner.every((t) => t.status === 'skipped')).toBe(true);
    });
  });
});
