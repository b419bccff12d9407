// What the house promises about its own imports, checked from the files themselves: a scenario
// talks only to the scenario API (never undici, never the client's or the engine's internals),
// runtime code lives under src/engine/, not under a folder named for test data, the recording
// side does not reach into the runner, and the reference implementation states the contract on
// its own rather than reading the checker's statement of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const importsOf = (text: string): string[] => [...text.matchAll(/^import[^;]*? from '([^']+)';/gms)].map((m) => m[1]!);

/** Every module a file names: imports and re-exports, side-effect imports, and dynamic import('...'). */
const modulesNamedBy = (text: string): string[] =>
  [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'([^']+)'/gm)].map((m) => m[1]!);

/** The .ts files under a folder of the repository, as paths relative to the repository. */
function tsFilesUnder(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, root), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f).split('\\').join('/'));
}

/** The repository-relative modules a file imports from other files of the repository ("src/run/run-case.js"). */
function localImports(file: string): string[] {
  const text = readFileSync(new URL(file, root), 'utf8');
  return modulesNamedBy(text)
    .filter((m) => m.startsWith('.'))
    .map((m) => posix.normalize(posix.join(dirname(file), m)));
}

describe('scenarios', () => {
  const files = readdirSync(new URL('suites/', root)).filter((f) => f.endsWith('.ts') && f !== 'index.ts');

  it('each imports one module of src/, the scenario API, and nothing else but its siblings', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const imports = importsOf(readFileSync(new URL(`suites/${file}`, root), 'utf8'));
      expect(imports, file).toContain('../src/scenario-api.js');
      expect(
        imports.filter((i) => i !== '../src/scenario-api.js' && !i.startsWith('./')),
        file,
      ).toEqual([]);
    }
  });
});

describe('src/', () => {
  it('has no fixtures/ folder: runtime code is the engine', () => {
    expect(existsSync(new URL('src/fixtures', root))).toBe(false);
    expect(existsSync(new URL('src/engine/actor.ts', root))).toBe(true);
  });
});

describe('src/recording/ and src/tools/', () => {
  it("import nothing from src/run/: a case's status and the run configuration live above both", () => {
    const files = [...tsFilesUnder('src/recording'), ...tsFilesUnder('src/tools')];
    expect(files.length).toBeGreaterThan(10);
    const offending = files.flatMap((file) =>
      localImports(file)
        .filter((m) => m.startsWith('src/run/'))
        .map((m) => `${file} -> ${m}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('src/reference/', () => {
  it("reads nothing of the checker's statement of the contract: it is the independent oracle", () => {
    const files = tsFilesUnder('src/reference');
    expect(files.length).toBeGreaterThan(10);
    const checkerSide = ['src/contract/', 'src/checks/', 'src/scenario-api.js', 'suites/'];
    const offending = files.flatMap((file) =>
      localImports(file)
        .filter((m) => checkerSide.some((c) => m.startsWith(c)))
        .map((m) => `${file} -> ${m}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('src/contract/', () => {
  it("is the only statement of the error table and of the collection path, apart from the reference's own", () => {
    const files = [...tsFilesUnder('src'), ...tsFilesUnder('suites')].filter((f) => !f.startsWith('src/reference/'));
    const stating = (pattern: RegExp) => files.filter((file) => pattern.test(readFileSync(new URL(file, root), 'utf8')));
    // An error name paired with its status, as a table states it ("ConflictException: 409").
    expect(stating(/\b[A-Za-z]+Exception: \d{3}\b/)).toEqual(['src/contract/errors.ts']);
    // The path as a string in code, not in prose or comments ('/v1/accessTokens', `/v1/accessTokens/...`).
    expect(stating(/['`"]\/v1\/accessTokens/)).toEqual(['src/contract/paths.ts']);
  });
});

describe('src/ and suites/', () => {
  it('need no double casts: a type that has to be forced through unknown is a design that does not fit', () => {
    const files = [...tsFilesUnder('src'), ...tsFilesUnder('suites')];
    const casts = files.flatMap((file) => [...readFileSync(new URL(file, root), 'utf8').matchAll(/as unknown as/g)].map(() => file));
    // The house rule is at most four; today there are none.
    expect(casts).toEqual([]);
  });

  it('reach undici through src/transport/ alone', () => {
    const files = [...tsFilesUnder('src'), ...tsFilesUnder('suites')];
    const users = files.filter((file) =>
      modulesNamedBy(readFileSync(new URL(file, root), 'utf8')).some((m) => m === 'undici' || m.startsWith('undici/')),
    );
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((file) => !file.startsWith('src/transport/'))).toEqual([]);
  });
});
