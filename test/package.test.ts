// The package as a user gets it: `npm pack` (of the built dist/; `npm test` builds first), the
// tarball installed into an empty project, and from there the CLI, the programmatic API, its
// types and pat-conformance/vitest. The install is from npm's cache where it can
// (--prefer-offline): about 5 s for the package and 7 s more for vitest on an idle machine.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tempDir = tempDirs();
const run = promisify(execFile);

/** The environment of a child in the installed project: none of this test run's own settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key.startsWith('PAT_CONFORMANCE_')) delete env[key];
  return env;
}

async function inProject(cwd: string, command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: cleanEnv(), timeout: 90_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

describe('the packed package, installed', { timeout: 120_000 }, () => {
  let files: string[] = [];
  let project = '';

  beforeAll(async () => {
    const dir = await tempDir();
    // --ignore-scripts: `prepare` would rebuild dist/ under the other test files' feet.
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, env: cleanEnv() });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = info!.files.map((f) => f.path);
    project = join(dir, 'app');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' })}\n`);
    const installed = await inProject(project, 'npm', [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(dir, info!.filename),
    ]);
    expect(installed.code, installed.stderr).toBe(0);
  }, 120_000);

  it('holds the documents, the example recordings and the built code, no tests, no benchmarks', () => {
    expect(files).toContain('docs/contract.md');
    expect(files).toContain('docs/config.schema.json');
    expect(files).toContain('recordings/reference-conformant/meta.json');
    expect(files).toContain('recordings/README.md');
    expect(files).toContain('docs/report-format.md');
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/vitest.js');
    expect(files).toContain('dist/src/vitest.d.ts');
    // The body validators generated at build time (src/checks/body-validation.ts).
    expect(files).toContain('dist/src/checks/body-validators.cjs');
    expect(files.filter((f) => /^(dist\/)?(test|bench)\//.test(f))).toEqual([]);
  });

  it('`npx pat-conformance run` exits 0 against the embedded reference', async () => {
    const out = join(project, 'reports');
    const result = await inProject(project, 'npx', ['--no-install', 'pat-conformance', 'run', '--quiet', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'pat-conformance.json'), 'utf8')) as { verdict: string };
    expect(report.verdict).toBe('conformant');
  });

  it("import('pat-conformance') gives runConformance(), which resolves conformant, without vitest installed", async () => {
    const script =
      "import('pat-conformance').then(async (m) => { const r = await m.runConformance(); console.log(JSON.stringify([r.verdict, r.exitCode])); })";
    const result = await inProject(project, process.execPath, ['-e', script]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['conformant', 0]);
  });

  it('types its API for TypeScript users (NodeNext)', async () => {
    await writeFile(
      join(project, 'check.ts'),
      [
        "import { runConformance, exploreConformance, type RunConformanceOptions, type RunReport, type ExploreReport } from 'pat-conformance';",
        "import { defineConformanceTests, type ConformanceTestOptions } from 'pat-conformance/vitest';",
        "const options: RunConformanceOptions = { scenarios: ['valid-delete'], strict: true, reporters: ['json'] };",
        'const run: Promise<RunReport> = runConformance(options);',
        'const explored: Promise<ExploreReport> = exploreConformance({ budget: 100 });',
        "const testOptions: ConformanceTestOptions = { ...options, runTimeout: 60_000, name: 'mine' };",
        'export { run, explored, testOptions, defineConformanceTests };',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['check.ts'],
      }),
    );
    const result = await inProject(project, process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('pat-conformance/vitest works in the project once vitest is installed (the optional peer dependency)', async () => {
    const { devDependencies } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const installed = await inProject(project, 'npm', [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '-D',
      `vitest@${devDependencies.vitest}`,
    ]);
    expect(installed.code, installed.stderr).toBe(0);
    await mkdir(join(project, 'tests'));
    await writeFile(
      join(project, 'tests/conformance.test.js'),
      "import { defineConformanceTests } from 'pat-conformance/vitest';\ndefineConformanceTests({ scenarios: ['valid-delete'] });\n",
    );
    const result = await inProject(project, 'npx', ['--no-install', 'vitest', 'run', 'tests', '--reporter=verbose']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/valid-delete: .*fresh token: /);
  });
});
