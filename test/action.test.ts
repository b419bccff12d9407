// The GitHub Action (action.yml, a composite): its inputs name options the CLI has, the flags its
// scripts pass are in the CLI's --help, the bearer tokens reach the CLI only through the
// environment, the documented workflows use only inputs it declares; and its scripts, run for
// real with bash as GitHub runs them (`bash --noprofile --norc -eo pipefail`), gate on the
// embedded reference, on a reference server with tokens, and on a target that is not there.
// The `uses:` steps (setup-node, upload-artifact) and the install step (npm) are not run: the
// install step's output is this checkout's dist/src/cli.js.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../src/verdict.js';
import { cliPath, otherToken, ownerToken, runCli, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();
const root = fileURLToPath(new URL('..', import.meta.url));

// --- A YAML reader for the subset action.yml and the workflows use: block mappings and
// sequences, `- key: value` items, plain and quoted scalars, `|` and `|-` block scalars, comments.
// Flow collections are kept as their text.

type Yaml = string | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

function parseYaml(source: string): Yaml {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  let i = 0;
  const indentOf = (line: string): number => line.length - line.trimStart().length;
  const blank = (line: string): boolean => line.trim() === '' || line.trimStart().startsWith('#');
  const skipBlank = (): void => {
    while (i < lines.length && blank(lines[i]!)) i++;
  };

  function scalar(text: string): string {
    const t = text.trim();
    if (t.startsWith("'")) return t.slice(1, t.lastIndexOf("'")).replace(/''/g, "'");
    if (t.startsWith('"')) return JSON.parse(t.slice(0, t.lastIndexOf('"') + 1)) as string;
    return t.replace(/\s+#.*$/, '');
  }

  function blockScalar(parentIndent: number, chomp: string): string {
    const body: string[] = [];
    while (i < lines.length && (lines[i]!.trim() === '' || indentOf(lines[i]!) > parentIndent)) body.push(lines[i++]!);
    while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
    const indent = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf));
    const text = body.map((l) => l.slice(indent)).join('\n');
    return chomp === '-' ? text : `${text}\n`;
  }

  function node(indent: number): Yaml {
    skipBlank();
    const line = lines[i]!;
    return /^-(\s|$)/.test(line.trimStart()) ? sequence(indentOf(line)) : mapping(indent);
  }

  function value(rest: string, indent: number): Yaml {
    const block = /^([|>])([-+]?)\s*(#.*)?$/.exec(rest);
    if (block) {
      if (block[1] === '>') throw new Error('folded block scalars are not read here');
      return blockScalar(indent, block[2]!);
    }
    if (rest.trim() !== '' && !rest.trim().startsWith('#')) return scalar(rest);
    skipBlank();
    if (i >= lines.length) return '';
    const next = lines[i]!;
    const nested = indentOf(next) > indent || (indentOf(next) === indent && /^-(\s|$)/.test(next.trimStart()));
    return nested ? node(indentOf(next)) : '';
  }

  function mapping(indent: number): YamlMap {
    const map: YamlMap = {};
    for (skipBlank(); i < lines.length && indentOf(lines[i]!) === indent; skipBlank()) {
      const text = lines[i]!.trim();
      const match = /^('[^']*'|"[^"]*"|[^\s'"#:][^:#]*?):(?:\s+(.*))?$/.exec(text);
      if (!match) throw new Error(`line ${i + 1}: not a mapping entry: ${text}`);
      i++;
      map[scalar(match[1]!)] = value(match[2] ?? '', indent);
    }
    return map;
  }

  function sequence(indent: number): Yaml[] {
    const items: Yaml[] = [];
    for (skipBlank(); i < lines.length && indentOf(lines[i]!) === indent && /^-(\s|$)/.test(lines[i]!.trimStart()); skipBlank()) {
      const rest = lines[i]!.trimStart().slice(1).trimStart();
      if (rest === '') {
        i++;
        items.push(value('', indent));
      } else if (/^('[^']*'|"[^"]*"|[^\s'"#:][^:#]*?):(\s|$)/.test(rest)) {
        // `- key: value`: the item is a mapping that starts on the dash's line.
        lines[i] = `${' '.repeat(indent + 2)}${rest}`;
        items.push(mapping(indent + 2));
      } else {
        i++;
        items.push(scalar(rest));
      }
    }
    return items;
  }

  const result = node(0);
  skipBlank();
  if (i < lines.length) throw new Error(`line ${i + 1}: not read: ${lines[i]}`);
  return result;
}

const asMap = (y: Yaml | undefined): YamlMap => (y !== undefined && typeof y === 'object' && !Array.isArray(y) ? y : {});
const asList = (y: Yaml | undefined): Yaml[] => (Array.isArray(y) ? y : []);
const asText = (y: Yaml | undefined): string => (typeof y === 'string' ? y : '');
/** `${{ body }}`, a GitHub Actions expression as written in a workflow. */
const githubExpression = (body: string): string => `\${{ ${body} }}`;

// --- The action as declared.

interface Step {
  id?: string;
  name: string;
  if?: string;
  uses?: string;
  run?: string;
  env: Record<string, string>;
  with: Record<string, string>;
}

const actionText = await readFile(join(root, 'action.yml'), 'utf8');
const action = asMap(parseYaml(actionText));
const inputs = asMap(action.inputs);
const outputs = asMap(action.outputs);
const steps: Step[] = asList(asMap(action.runs).steps).map((raw) => {
  const s = asMap(raw);
  const texts = (y: Yaml | undefined) => Object.fromEntries(Object.entries(asMap(y)).map(([k, v]) => [k, asText(v)]));
  return {
    id: s.id === undefined ? undefined : asText(s.id),
    name: asText(s.name),
    if: s.if === undefined ? undefined : asText(s.if),
    uses: s.uses === undefined ? undefined : asText(s.uses),
    run: s.run === undefined ? undefined : asText(s.run),
    env: texts(s.env),
    with: texts(s.with),
  };
});
const stepById = (id: string): Step => {
  const step = steps.find((s) => s.id === id);
  if (!step) throw new Error(`action.yml has no step ${id}`);
  return step;
};

/** The inputs that become flags of a command, and the flag each becomes. */
const flagInputs: Array<[input: string, command: 'run' | 'explore', flag: string]> = [
  ['target', 'run', '--target'],
  ['target', 'explore', '--target'],
  ['scenarios', 'run', '--scenario'],
  ['strict', 'run', '--strict'],
  ['parallel', 'run', '--parallel'],
  ['reporters', 'run', '--reporter'],
  ['reporters', 'explore', '--reporter'],
  ['out', 'run', '--out'],
  ['out', 'explore', '--out'],
  ['seed', 'run', '--seed'],
  ['seed', 'explore', '--seed'],
  ['explore-budget', 'explore', '--budget'],
  ['explore-time-limit', 'explore', '--time-limit'],
  ['explore-shard', 'explore', '--shard'],
];
/** The token inputs, and the option whose PAT_CONFORMANCE_* variable carries each. */
const tokenInputs: Array<[input: string, variable: string, option: string]> = [
  ['token', 'PAT_CONFORMANCE_TOKEN', '--token'],
  ['other-token', 'PAT_CONFORMANCE_OTHER_TOKEN', '--other-token'],
];
/** Inputs of the action itself, no CLI option. */
const actionOnlyInputs = ['explore', 'node-version', 'version', 'artifact-name'];

async function helpOptions(command: 'run' | 'explore'): Promise<Set<string>> {
  const help = await runCli([command, '--help']);
  expect(help.code).toBe(0);
  const options = new Set([...help.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)\s/gm)].map((m) => m[1]!));
  expect(options.size).toBeGreaterThan(8); // the help was read, not nothing
  return options;
}

/** The `--flag`s a script passes, `args+=(--flag ...)`. */
function flagsIn(script: string): string[] {
  return [...script.matchAll(/args\+=\((--[a-z][a-z-]*)/g)].map((m) => m[1]!);
}

/** The env variable a step sets from an input: `NAME: ${{ inputs.input }}`. */
function variablesOf(step: Step, input: string): string[] {
  return Object.entries(step.env)
    .filter(([, v]) => v.trim() === githubExpression(`inputs.${input}`))
    .map(([k]) => k);
}

describe('action.yml: what it declares', () => {
  it('is a composite action with the inputs, defaults and outputs the documentation gives', () => {
    expect(asMap(action.runs).using).toBe('composite');
    expect(Object.keys(inputs).sort()).toEqual(
      [...new Set([...flagInputs.map(([i]) => i), ...tokenInputs.map(([i]) => i), ...actionOnlyInputs])].sort(),
    );
    const defaults = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, asText(asMap(v).default)]));
    expect(defaults).toMatchObject({
      target: '',
      token: '',
      'other-token': '',
      strict: 'false',
      reporters: 'console,json,junit,html,markdown',
      out: 'pat-conformance-reports',
      explore: 'false',
      'node-version': '20',
      version: '',
    });
    for (const [input] of tokenInputs) expect(asText(asMap(inputs[input]).description)).toMatch(/secret/i);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['exit-code', 'verdict', 'report-dir']));
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with['node-version']).toBe(
      githubExpression('inputs.node-version'),
    );
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with.path).toContain('steps.run.outputs.report-dir');
  });

  it('every input that becomes a flag names an option of the command it goes to, and its script passes it', async () => {
    const help = { run: await helpOptions('run'), explore: await helpOptions('explore') };
    for (const [input, command, flag] of flagInputs) {
      expect(help[command], `${input} -> ${command} ${flag}`).toContain(flag);
      const step = stepById(command);
      const variables = variablesOf(step, input);
      expect(variables, `the ${command} step takes ${input} through env`).toHaveLength(1);
      expect(step.run).toMatch(new RegExp(`\\$\\{?${variables[0]}\\b`));
      expect(flagsIn(step.run!)).toContain(flag);
    }
    // The tokens: PAT_CONFORMANCE_<OPTION> of an option both commands have.
    for (const [input, variable, option] of tokenInputs) {
      for (const command of ['run', 'explore'] as const) {
        expect(help[command]).toContain(option);
        expect(`PAT_CONFORMANCE_${option.slice(2).toUpperCase().replace(/-/g, '_')}`).toBe(variable);
        expect(variablesOf(stepById(command), input)).toEqual([variable]);
      }
    }
  });

  it('every flag the scripts pass is in the --help of the command they run', async () => {
    for (const command of ['run', 'explore'] as const) {
      const script = stepById(command).run!;
      expect(script).toContain(`args=(${command})`);
      const flags = flagsIn(script);
      expect(flags.length).toBeGreaterThan(4);
      const options = await helpOptions(command);
      for (const flag of flags) expect(options, `${command} ${flag}`).toContain(flag);
    }
  });

  it('the tokens are only ever in env (PAT_CONFORMANCE_*), and no script interpolates any expression', () => {
    for (const step of steps) {
      // Every input reaches a script through env: an expression inside `run:` would be pasted into the shell.
      if (step.run !== undefined) expect(step.run, step.name).not.toContain('${{');
      for (const [input, variable] of tokenInputs) {
        const reference = new RegExp(`inputs\\.${input.replace(/-/g, '\\-')}\\b(?!-)`);
        for (const value of Object.values(step.with)) expect(value).not.toMatch(reference);
        for (const [name, value] of Object.entries(step.env)) if (reference.test(value)) expect(name).toBe(variable);
      }
      if (step.run !== undefined) expect(step.run).not.toMatch(/--(other-)?token\b/);
    }
    // Line by line, in case the reader above missed a place: each token input appears only as an env value.
    for (const [input, variable] of tokenInputs) {
      const uses = actionText.split('\n').filter((l) => new RegExp(`inputs\\.${input}(?![\\w-])`).test(l));
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses) expect(line.trim()).toBe(`${variable}: ${githubExpression(`inputs.${input}`)}`);
    }
  });
});

describe('docs: the example workflow', () => {
  const docText = readFile(join(root, 'docs/github-action.md'), 'utf8');
  const exampleText = readFile(join(root, 'docs/examples/conformance-workflow.yml'), 'utf8');

  /** Every step of a workflow (or of a list of steps) that uses this action. */
  function actionSteps(workflow: Yaml): YamlMap[] {
    const found: YamlMap[] = [];
    const visit = (y: Yaml): void => {
      if (Array.isArray(y)) y.forEach(visit);
      else if (typeof y === 'object') {
        if (/pat-conformance@|^\.\/?$/.test(asText(y.uses))) found.push(y);
        Object.values(y).forEach(visit);
      }
    };
    visit(workflow);
    return found;
  }

  it('uses only inputs the action declares, and the page shows the example file as it is', async () => {
    const doc = await docText;
    const example = await exampleText;
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks[0]).toBe(example);
    let checked = 0;
    for (const text of [example, ...blocks]) {
      for (const step of actionSteps(parseYaml(text))) {
        for (const key of Object.keys(asMap(step.with))) expect(Object.keys(inputs), key).toContain(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    const workflow = asMap(parseYaml(example));
    const [step] = actionSteps(workflow);
    expect(asMap(step!.with)).toMatchObject({
      token: githubExpression('secrets.PAT_CONFORMANCE_TOKEN'),
      'other-token': githubExpression('secrets.PAT_CONFORMANCE_OTHER_TOKEN'),
    });
    expect(Object.keys(asMap(workflow.on))).toContain('pull_request');
  });

  it("the page's tables list exactly the inputs and outputs the action declares", async () => {
    const doc = await docText;
    const section = (heading: string) => doc.split(`## ${heading}\n`)[1]!.split('\n## ')[0]!;
    const names = (text: string) => [...text.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]!).sort();
    expect(names(section('Inputs'))).toEqual(Object.keys(inputs).sort());
    expect(names(section('Outputs'))).toEqual(Object.keys(outputs).sort());
  });

  it('names nothing outside the repository', async () => {
    for (const text of [await docText, await exampleText, actionText]) {
      expect(text).not.toMatch(/\.\.\/|SPEC\.md|DESIGN\.md/);
    }
  });
});

// --- The composite's steps, run with bash as GitHub runs them.

interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

interface Simulation {
  steps: Record<string, StepResult | 'skipped'>;
  outputs: Record<string, string>;
  gate: StepResult;
  summary: string;
  uploadPath: string;
}

function bash(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { env, cwd, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The given inputs, each missing one as action.yml defaults it. */
function withDefaults(given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, given[name] ?? asText(asMap(spec).default)]));
}

async function simulate(given: Record<string, string>): Promise<Simulation> {
  const cwd = await tempDir();
  const summaryFile = join(cwd, 'step-summary.md');
  await writeFile(summaryFile, '');
  const values = withDefaults(given);
  const results: Record<string, StepResult | 'skipped'> = {};
  const stepOutputs: Record<string, Record<string, string>> = { cli: { cli: cliPath } };
  let failed = false;

  const expression = (text: string): string => {
    const alternatives = text.split('||').map((part) => part.trim());
    for (const part of alternatives) {
      let match: RegExpExecArray | null;
      let value: string;
      if ((match = /^inputs\.([\w-]+)$/.exec(part))) value = values[match[1]!] ?? '';
      else if ((match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(part))) value = stepOutputs[match[1]!]?.[match[2]!] ?? '';
      else if (part === 'github.action_path') value = root;
      else throw new Error(`expression not simulated: ${part}`);
      if (value !== '') return value;
    }
    return '';
  };
  const interpolate = (text: string): string => text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e: string) => expression(e));
  const condition = (text: string | undefined): boolean => {
    if (text === undefined) return !failed;
    if (text === 'always()') return true;
    const match = /^inputs\.([\w-]+) (==|!=) '(.*)'$/.exec(text);
    if (!match) throw new Error(`condition not simulated: ${text}`);
    // GitHub compares strings ignoring case.
    const equal = (values[match[1]!] ?? '').toLowerCase() === match[3]!.toLowerCase();
    return (match[2] === '==') === equal && !failed;
  };

  const baseEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
  let uploadPath = '';
  let gate: StepResult | undefined;
  for (const step of steps) {
    const key = step.id ?? step.name;
    if (!condition(step.if)) {
      results[key] = 'skipped';
      continue;
    }
    if (step.uses?.startsWith('actions/upload-artifact@')) uploadPath = interpolate(step.with.path!);
    if (step.uses !== undefined || step.id === 'cli') continue; // not run here (see the top of the file)
    const outputFile = join(cwd, `output-${key.replace(/\W/g, '_')}`);
    await writeFile(outputFile, '');
    const env: NodeJS.ProcessEnv = { ...baseEnv, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: cwd };
    for (const [name, value] of Object.entries(step.env)) env[name] = interpolate(value);
    const ran = await bash(step.run!, env, cwd);
    const outputs = Object.fromEntries(
      (await readFile(outputFile, 'utf8'))
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    stepOutputs[key] = outputs;
    const result = { ...ran, outputs };
    results[key] = result;
    if (step.name === 'Gate') gate = result;
    if (ran.code !== 0) failed = true;
  }
  const actionOutputs = Object.fromEntries(Object.entries(outputs).map(([name, spec]) => [name, interpolate(asText(asMap(spec).value))]));
  return { steps: results, outputs: actionOutputs, gate: gate!, summary: await readFile(summaryFile, 'utf8'), uploadPath };
}

const scriptsOf = (simulation: Simulation): string =>
  Object.values(simulation.steps)
    .map((r) => (r === 'skipped' ? '' : r.stdout + r.stderr))
    .join('\n');

describe('action.yml: its steps, run', () => {
  it('every script is valid bash', async () => {
    for (const step of steps.filter((s) => s.run !== undefined)) {
      const checked = await bash(`bash -n <<'SCRIPT'\n${step.run}\nSCRIPT`, { PATH: process.env.PATH }, root);
      expect(checked.stderr, step.name).toBe('');
      expect(checked.code, step.name).toBe(0);
    }
  });

  it('the embedded reference, with explore: exit 0, every report written, the summary appended, the outputs set', async () => {
    const sim = await simulate({
      scenarios: 'unknown-id, missing-id',
      explore: 'TRUE',
      'explore-budget': '200',
      'explore-time-limit': '10',
      seed: '42',
    });
    expect(sim.gate.code, scriptsOf(sim)).toBe(0);
    expect(sim.outputs).toMatchObject({
      'exit-code': '0',
      'run-exit-code': '0',
      'explore-exit-code': '0',
      verdict: 'conformant',
      'explore-verdict': 'no-violation',
    });
    const dir = sim.outputs['report-dir']!;
    expect(dir).toMatch(/\/pat-conformance-reports$/);
    expect(sim.uploadPath).toBe(dir);
    expect((await readdir(dir)).sort()).toEqual([
      'explore.html',
      'explore.json',
      'junit.xml',
      'pat-conformance.json',
      'report.html',
      'summary.md',
    ]);
    const report = JSON.parse(await readFile(join(dir, 'pat-conformance.json'), 'utf8')) as RunReport;
    expect(report.options.seed).toBe(42);
    expect(new Set(report.cases.map((c) => c.scenario))).toEqual(new Set(['unknown-id', 'missing-id']));
    expect(sim.summary).toContain(await readFile(join(dir, 'summary.md'), 'utf8'));
    expect(sim.summary.length).toBeGreaterThan(100);
  });

  it('a reference server with the tokens as inputs: they reach the CLI, and no output, log or report shows them', async () => {
    await withReference({ users: [ownerToken, otherToken] }, async (server) => {
      const sim = await simulate({
        target: server.url,
        token: ownerToken,
        'other-token': otherToken,
        scenarios: 'wrong-owner',
        strict: 'true',
        reporters: 'junit',
      });
      expect(sim.gate.code, scriptsOf(sim)).toBe(0);
      expect(sim.steps.explore).toBe('skipped');
      expect(sim.outputs).toMatchObject({ 'exit-code': '0', verdict: 'conformant', 'explore-exit-code': '' });
      const dir = sim.outputs['report-dir']!;
      // json is added to the reporters asked for: the outputs read it.
      expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'pat-conformance.json']);
      const report = JSON.parse(await readFile(join(dir, 'pat-conformance.json'), 'utf8')) as RunReport;
      expect(report.strict).toBe(true);
      // wrong-owner needs the second identity: had other-token not arrived, its cases would be skipped.
      expect(report.cases.length).toBeGreaterThan(0);
      expect(report.cases.every((c) => c.status === 'passed')).toBe(true);
      const everything = [scriptsOf(sim), JSON.stringify(sim.outputs), ...(await Promise.all([readFile(join(dir, 'junit.xml'), 'utf8')]))];
      everything.push(await readFile(join(dir, 'pat-conformance.json'), 'utf8'));
      for (const text of everything) {
        expect(text).not.toContain(ownerToken);
        expect(text).not.toContain(otherToken);
      }
    });
  });

  it('a target that is not there: run and explore both exit 3, the gate fails with 3, no verdict', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const sim = await simulate({ target: `http://127.0.0.1:${port}`, token: ownerToken, explore: 'true' });
    expect(sim.outputs).toMatchObject({ 'exit-code': '3', 'run-exit-code': '3', 'explore-exit-code': '3', verdict: '' });
    expect(sim.gate.code).toBe(3);
    // Before the gate, every step succeeded: the exit codes were recorded, not fatal.
    for (const [key, result] of Object.entries(sim.steps)) if (key !== 'Gate' && result !== 'skipped') expect(result.code, key).toBe(0);
    expect(scriptsOf(sim)).toContain('cannot reach');
  });

  it('the result is the first non-zero exit code: run, then explore; no recorded run code fails', async () => {
    const result = stepById('result');
    const gate = steps.find((s) => s.name === 'Gate')!;
    const cases: Array<[run: string, explore: string, expected: string]> = [
      ['0', '', '0'],
      ['0', '0', '0'],
      ['0', '1', '1'],
      ['1', '0', '1'],
      ['1', '3', '1'],
      ['3', '1', '3'],
      ['', '', '1'],
    ];
    for (const [run, explore, expected] of cases) {
      const cwd = await tempDir();
      const outputFile = join(cwd, 'output');
      await writeFile(outputFile, '');
      const env = { PATH: process.env.PATH, GITHUB_OUTPUT: outputFile, RUN_EXIT_CODE: run, EXPLORE_EXIT_CODE: explore };
      expect((await bash(result.run!, env, cwd)).code).toBe(0);
      expect(await readFile(outputFile, 'utf8')).toBe(`exit-code=${expected}\n`);
      expect((await bash(gate.run!, { PATH: process.env.PATH, EXIT_CODE: expected }, cwd)).code, `${run}/${explore}`).toBe(
        Number(expected),
      );
    }
  });
});
