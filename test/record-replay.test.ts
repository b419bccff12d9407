// The committed example recordings (recordings/, made by `npm run recordings`) replayed by the
// real CLI: `run --replay` with no target at all, `check`, and `replay` at fresh implementations.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listAll } from './helpers/reference.js';
import { otherToken, ownerToken, readReport, runCli, tempDirs, withReference } from './helpers/cli.js';
import { recordSdkSession } from './record-helpers.js';

const tempDir = tempDirs();
const recordings = fileURLToPath(new URL('../recordings/', import.meta.url));
const conformant = join(recordings, 'reference-conformant');
const broken = join(recordings, 'reference-body-on-success');

describe('example recordings', () => {
  it('run --replay of the conformant reference: exit 0, every case passes, no network', async () => {
    const out = await tempDir();
    const result = await runCli(['run', '--replay', conformant, '--out', out, '--reporter', 'json']);
    expect(result.code).toBe(0);
    const report = await readReport(out);
    expect(report.verdict).toBe('conformant');
    expect(report.summary.failed + report.summary.errored).toBe(0);
    expect(report.summary.total).toBeGreaterThan(30);
    expect(report.target.replay).toBe(conformant);
  });

  it('run --replay of the body-on-success reference: exit 1, the delete-body rule fails', async () => {
    const out = await tempDir();
    const result = await runCli(['run', '--replay', broken, '--out', out, '--reporter', 'json', '--quiet']);
    expect(result.code).toBe(1);
    const report = await readReport(out);
    const fresh = report.cases.find((c) => c.scenario === 'valid-delete' && c.case === 'fresh token')!;
    expect(fresh.status).toBe('failed');
    expect(fresh.checks.some((c) => !c.passed && /zero-byte body or \{\}/.test(c.rule))).toBe(true);
  });

  it('check agrees: the conformant one passes, the broken one fails', async () => {
    expect((await runCli(['check', conformant, '--quiet', '--out', await tempDir()])).code).toBe(0);
    expect((await runCli(['check', broken, '--quiet', '--out', await tempDir()])).code).toBe(1);
  });

  it('hold no credential or secret: every Authorization is a pseudonym, every secret a placeholder', async () => {
    // Counted, so that the scan cannot pass by finding nothing to look at.
    const seen = { hars: 0, bearers: 0, secrets: 0 };
    for (const dir of [conformant, broken]) {
      for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.har')) continue;
        const har = JSON.parse(await readFile(join(entry.parentPath, entry.name), 'utf8')) as {
          log: {
            entries: Array<{ request: { headers: Array<{ name: string; value: string }> }; response: { content: { text?: string } } }>;
          };
        };
        seen.hars++;
        for (const e of har.log.entries) {
          for (const h of e.request.headers.filter((x) => x.name.toLowerCase() === 'authorization')) {
            // <identity-1>-xxxxxxxx: the owner's bearer with characters appended (the unknown-bearer probe).
            expect(h.value).toMatch(/^(Bearer <identity-[12]>(-[a-z0-9]+)?|Bearer <redacted>|Basic <redacted>|Bearer ?)$/);
            if (/<identity-[12]>/.test(h.value)) seen.bearers++;
          }
          const secret = /"secret"\s*:\s*"([^"]*)"/.exec(e.response.content.text ?? '')?.[1];
          if (secret !== undefined) {
            expect(secret).toBe('<token-secret>');
            seen.secrets++;
          }
        }
      }
    }
    expect(seen.hars).toBeGreaterThan(40);
    expect(seen.bearers).toBeGreaterThan(500);
    expect(seen.secrets).toBeGreaterThan(100);
  });
});

describe('replay DIR --target URL: the recorded session at another implementation', () => {
  it('a conformant implementation answers as recorded: exit 0, and the tokens it made are gone', async () => {
    const out = await tempDir();
    await withReference({ users: [ownerToken, otherToken], rate: 0 }, async (server) => {
      const result = await runCli([
        'replay',
        conformant,
        '--target',
        server.url,
        '--token',
        ownerToken,
        '--other-token',
        otherToken,
        '--out',
        out,
        '--reporter',
        'json',
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await listAll(server, ownerToken)).toEqual([]);
      expect(await listAll(server, otherToken)).toEqual([]);
    });
    const report = await readReport(out);
    expect(report.options).toMatchObject({ command: 'replay', token: '<redacted>' });
    expect(JSON.stringify(report)).not.toContain(ownerToken);
  });

  it('an implementation without the owner check differs where it matters: exit 1', async () => {
    const out = await tempDir();
    const result = await withReference({ users: [ownerToken, otherToken], rate: 0, faults: ['no-owner-check'] }, (server) =>
      runCli([
        'replay',
        conformant,
        '--target',
        server.url,
        '--token',
        ownerToken,
        '--other-token',
        otherToken,
        '--out',
        out,
        '--reporter',
        'json',
        '--quiet',
      ]),
    );
    expect(result.code).toBe(1);
    const report = await readReport(out);
    const wrongOwner = report.cases.find((c) => c.scenario === 'wrong-owner' && c.case === "other identity deletes owner's token")!;
    expect(wrongOwner.status).toBe('failed');
    expect(wrongOwner.checks.find((c) => !c.passed)?.message).toMatch(
      /DELETE \/v1\/accessTokens\/\S+: recorded 403 AccessDeniedException, now 200/,
    );
    expect(report.cases.filter((c) => c.status === 'failed').every((c) => c.scenario === 'wrong-owner' || c.scenario === 'recording')).toBe(
      true,
    );
  });

  it('a conformant alternative (404 for a wrong owner) only warns; --strict makes it fail', async () => {
    const run = (extra: string[]) => async () => {
      const out = await tempDir();
      const result = await withReference({ users: [ownerToken, otherToken], rate: 0, wrongOwnerStatus: 404 }, (server) =>
        runCli([
          'replay',
          conformant,
          '--target',
          server.url,
          '--token',
          ownerToken,
          '--other-token',
          otherToken,
          '--out',
          out,
          '--reporter',
          'json',
          '--quiet',
          ...extra,
        ]),
      );
      return { code: result.code, report: await readReport(out) };
    };
    const lenient = await run([])();
    expect(lenient.code).toBe(0);
    const wrongOwner = lenient.report.cases.find((c) => c.scenario === 'wrong-owner' && c.case === "other identity deletes owner's token")!;
    expect(wrongOwner.status).toBe('warned');
    expect(wrongOwner.checks.find((c) => !c.passed)?.message).toMatch(
      /recorded 403 AccessDeniedException, now 404 ResourceNotFoundException/,
    );
    const strict = await run(['--strict'])();
    expect(strict.code).toBe(1);
  });

  it('a missing identity is a usage error; an unreachable target exit 3', async () => {
    const noOther = await runCli(['replay', conformant, '--target', 'http://127.0.0.1:9', '--token', ownerToken, '--quiet']);
    expect(noOther.code).toBe(2);
    expect(noOther.stderr).toMatch(/requests of <identity-2>; give --other-token/);
    const down = await runCli([
      'replay',
      conformant,
      '--target',
      'http://127.0.0.1:9',
      '--token',
      ownerToken,
      '--other-token',
      otherToken,
      '--quiet',
      '--out',
      await tempDir(),
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach/);
  });

  it('an AWS SDK session recorded through the proxy becomes a regression test for another implementation', async () => {
    const { dir } = await recordSdkSession();
    const same = await withReference({ users: [ownerToken] }, (server) =>
      runCli(['replay', dir, '--target', server.url, '--token', ownerToken, '--quiet', '--out', join(dir, '..', 'a')]),
    );
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    const out = join(dir, '..', 'b');
    const differs = await withReference({ users: [ownerToken], faults: ['missing-token-200'] }, (server) =>
      runCli(['replay', dir, '--target', server.url, '--token', ownerToken, '--quiet', '--out', out, '--reporter', 'json']),
    );
    expect(differs.code).toBe(1);
    const report = await readReport(out);
    expect(report.cases[0]!.checks.find((c) => !c.passed)?.message).toMatch(
      /DELETE \/v1\/accessTokens\/\S+: recorded 404 ResourceNotFoundException, now 200/,
    );
  });
});
