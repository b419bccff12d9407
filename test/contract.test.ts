// The project states its contract in docs/contract.md, and everything cites it: the section
// table matches the document's headings, every case and scenario cites an existing section, the
// package ships the document, and no file of the repository points outside the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../suites/index.js';
import { cite, contractSections } from '../src/contract/sections.js';
import { citedSections, documentSections } from './helpers/contract.js';

const root = new URL('..', import.meta.url);

describe('docs/contract.md', () => {
  it('has exactly the sections the code cites, with the same titles', () => {
    expect(Object.fromEntries(documentSections())).toEqual({
      ...contractSections,
      '5': 'Scenarios',
      '6': "A delete touches exactly one token, and only its owner's",
      '2': 'The operations',
      '3': 'Responses',
    });
  });

  it('is cited, section by section, by every scenario and case', () => {
    for (const scenario of scenarios) {
      expect(citedSections(scenario.source), scenario.name).not.toEqual([]);
      for (const c of scenario.cases) expect(citedSections(c.source), `${scenario.name} / ${c.name}`).not.toEqual([]);
    }
  });

  it('reads citations strictly: an unknown section or a wrong title is not one', () => {
    expect(citedSections(cite('6.1', '6.2'))).toEqual(['6.1', '6.2']);
    expect(citedSections('contract §6.9 Exact match')).toEqual([]);
    expect(citedSections('contract §6.1 Exact matching')).toEqual([]);
    expect(citedSections('the specification, scenario 1')).toEqual([]);
  });

  it('states every rule of section 6 in a scenario that cites it', () => {
    const cited = new Set(scenarios.flatMap((s) => s.cases.flatMap((c) => citedSections(c.source))));
    for (const section of ['6.1', '6.3', '6.4', '6.6', '6.7'] as const) expect(cited, section).toContain(section);
  });

  it('ships in the package, and the README links it', () => {
    // What `npm pack` would put in the tarball (scripts skipped: the build is not the question).
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
    ) as Array<{ files: Array<{ path: string }> }>;
    expect(packed[0]!.files.map((f) => f.path)).toContain('docs/contract.md');
    expect(readFileSync(new URL('README.md', root), 'utf8')).toContain('](docs/contract.md)');
  });
});

/**
 * Names of the team's own notes, which live beside the repository and which a user who clones
 * it does not have: everything a user needs is in docs/ (docs/contract.md first). Assembled
 * from parts so that this file does not itself name them.
 */
const outsideNames = [['..', 'shared'].join('/'), ['SPEC', 'md'].join('.'), ['DESIGN', 'md'].join('.')];

describe('the repository points nowhere outside itself', () => {
  it("no tracked file cites anything but the project's own documents (docs/contract.md)", () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const offenders: string[] = [];
    for (const file of tracked) {
      // A file deleted in the work tree is no longer there.
      if (!existsSync(new URL(file, root))) continue;
      const text = readFileSync(new URL(file, root), 'utf8');
      if (outsideNames.some((name) => text.includes(name))) offenders.push(file);
    }
    expect(offenders).toEqual([]);
    expect(tracked.length).toBeGreaterThan(100); // the scan saw the repository, not nothing
  });
});
