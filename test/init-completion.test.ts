// `init` and `completion` as a user meets them, and the JSON Schema of a config file
// (docs/config.schema.json) held to the CLI: every option of `run` is in the schema and nothing
// else, its defaults and fixed values are the CLI's, and the file `init` writes is valid and runs.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../suites/index.js';
import { reporterNames } from '../src/reporters/names.js';
import { runDefaults } from '../src/run-defaults.js';
import { readReport, runCli, tempDirs } from './helpers/cli.js';

const tempDir = tempDirs();
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = join(repoRoot, 'docs', 'config.schema.json');

interface PropertySchema {
  type?: string;
  default?: unknown;
  description?: string;
  items?: { enum?: string[] };
}
interface ConfigSchema {
  properties: Record<string, PropertySchema>;
  additionalProperties: boolean;
}

async function loadSchema(): Promise<ConfigSchema> {
  return JSON.parse(await readFile(schemaPath, 'utf8')) as ConfigSchema;
}

async function validator() {
  // strictRequired off: `not: { required: [record, replay] }` names properties defined one level up.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajvFormats.default(ajv);
  return ajv.compile(await loadSchema());
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** The long options a command's --help lists (its Options section; not descriptions, not examples). */
function longOptions(help: string): string[] {
  const section = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\nExamples:\n'));
  expect(section.length).toBeGreaterThan(0);
  return [...section.matchAll(/^ {2,6}(?:-\w, )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
}

describe('init', () => {
  it('writes pat-conformance.json with "$schema" and no token, and says where tokens go', async () => {
    const dir = await tempDir();
    const result = await runCli(['init'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const written = await readJson(join(dir, 'pat-conformance.json'));
    expect(written.$schema).toBe('./node_modules/pat-conformance/docs/config.schema.json');
    expect(written).toMatchObject({ target: '', reporter: ['console', 'json'], out: runDefaults.outDir });
    expect(Object.keys(written)).not.toContain('token');
    expect(Object.keys(written)).not.toContain('other-token');
    expect(result.stdout).toMatch(/PAT_CONFORMANCE_TOKEN/);
    expect(result.stdout).toMatch(/PAT_CONFORMANCE_OTHER_TOKEN/);
    expect(result.stdout).toMatch(/pat-conformance run --config pat-conformance\.json/);
  });

  it('refuses to overwrite a file (exit 2, one line) unless --force', async () => {
    const dir = await tempDir();
    const file = join(dir, 'pat-conformance.json');
    await writeFile(file, '{"mine": true}\n');
    const refused = await runCli(['init'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^pat-conformance: pat-conformance\.json exists; --force overwrites it/);
    expect(await readFile(file, 'utf8')).toBe('{"mine": true}\n');
    const forced = await runCli(['init', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readJson(file)).$schema).toBe('./node_modules/pat-conformance/docs/config.schema.json');
  });

  it('--file elsewhere: "$schema" is relative to that file and reaches the schema of an installed package', async () => {
    const dir = await tempDir();
    // The package as a project that installed it has it.
    await mkdir(join(dir, 'node_modules'));
    await symlink(repoRoot, join(dir, 'node_modules', 'pat-conformance'), 'dir');
    await mkdir(join(dir, 'ci'));
    const result = await runCli(['init', '--file', 'ci/conformance.json'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const file = join(dir, 'ci', 'conformance.json');
    const reference = (await readJson(file)).$schema as string;
    expect(reference).toBe('../node_modules/pat-conformance/docs/config.schema.json');
    expect(await readFile(resolve(dirname(file), reference), 'utf8')).toBe(await readFile(schemaPath, 'utf8'));
    const missing = await runCli(['init', '--file', 'no-such-dir/x.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^pat-conformance: cannot write no-such-dir\/x\.json \(ENOENT\)/);
  });

  it('run --config accepts the written file as is and runs against the embedded reference', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const result = await runCli(['run', '--config', 'pat-conformance.json', '--scenario', 'valid-delete'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = await readReport(join(dir, 'reports'));
    expect(report.target.embedded).toBe(true);
    expect(new Set(report.cases.map((c) => c.scenario))).toEqual(new Set(['valid-delete']));
  });

  it('a "$schema" member is no option, while an unknown key still is a usage error; explore takes "$schema" too', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ $schema: './x.json', bogus: 1 }));
    const bad = await runCli(['run', '--config', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pat-conformance: Unknown argument: bogus/);
    expect(bad.stderr).not.toMatch(/\$schema/);
    await writeFile(join(dir, 'secret.json'), '{"token": "a-secret-value-0123" oops}');
    const invalid = await runCli(['run', '--config', 'secret.json'], { cwd: dir });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/^pat-conformance: Invalid JSON config file: .*secret\.json \(not valid JSON\)/);
    expect(invalid.stderr).not.toContain('a-secret-value-0123');
    await writeFile(join(dir, 'explore.json'), JSON.stringify({ $schema: './x.json', budget: 20, seed: 3, quiet: true, out: 'out' }));
    const explored = await runCli(['explore', '--config', 'explore.json'], { cwd: dir });
    expect(explored.code, explored.stderr).toBe(0);
  });
});

describe('docs/config.schema.json and the CLI', () => {
  it('has every long option of run --help as a property, and nothing else but "$schema"', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    const options = longOptions(help.stdout).filter((o) => !['help', 'version', 'config'].includes(o));
    expect(options).toContain('other-token');
    expect(options).toContain('redact-field');
    const schema = await loadSchema();
    expect(schema.additionalProperties).toBe(false);
    const properties = Object.keys(schema.properties).filter((p) => p !== '$schema');
    expect([...properties].sort()).toEqual([...options].sort());
    for (const [name, property] of Object.entries(schema.properties)) expect(property.description, name).toBeTruthy();
  });

  it("holds the CLI's defaults and fixed values", async () => {
    const { properties } = await loadSchema();
    expect(properties.concurrency!.default).toBe(runDefaults.concurrency);
    expect(properties.burst!.default).toBe(runDefaults.burst);
    expect(properties['burst-concurrency']!.default).toBe(runDefaults.burstConcurrency);
    expect(properties.timeout!.default).toBe(runDefaults.timeoutMs);
    expect(properties['throttle-budget']!.default).toBe(runDefaults.throttleBudgetMs);
    expect(properties.out!.default).toBe(runDefaults.outDir);
    expect(properties.scenario!.items!.enum).toEqual(scenarios.map((s) => s.name));
    expect(properties.reporter!.items!.enum).toEqual([...reporterNames]);
  });

  it('validates the file init writes, and rejects what run rejects', async () => {
    const validate = await validator();
    const dir = await tempDir();
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    const written = await readJson(join(dir, 'pat-conformance.json'));
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...written, target: 'https://api.example.test', scenario: ['valid-delete'], seed: 42 })).toBe(true);
    for (const wrong of [
      { bogus: 1 },
      { concurrency: 1 },
      { timeout: 1.5 },
      { scenario: ['no-such-scenario'] },
      { reporter: ['pdf'] },
      { target: 'ftp://example.test' },
      { record: 'a', replay: 'b' },
    ]) {
      expect(validate(wrong), JSON.stringify(wrong)).toBe(false);
    }
  });
});

describe('completion', () => {
  it('prints a completion script that asks pat-conformance, and the script is answered', async () => {
    const result = await runCli(['completion']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('pat-conformance');
    expect(result.stdout).toContain('--get-yargs-completions');
    const commands = await runCli(['--get-yargs-completions', 'pat-conformance', '']);
    expect(commands.code).toBe(0);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['run', 'explore', 'init', 'completion']));
    // A command's options, from its builder, in strict mode and with another command's variable set.
    const options = await runCli(['--get-yargs-completions', 'pat-conformance', 'run', '--'], { env: { PAT_CONFORMANCE_USERS: 'x' } });
    expect(options.code).toBe(0);
    expect(options.stdout.split('\n')).toEqual(expect.arrayContaining(['--target', '--scenario', '--config']));
  });

  it('--help lists init and completion', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+pat-conformance init\s/m);
    expect(result.stdout).toMatch(/^\s+pat-conformance completion\s/m);
  });
});
