// What the house promises about its own imports, checked from the files themselves: a scenario
// talks only to the scenario API (never undici, never the client's or the engine's internals),
// and runtime code lives under src/engine/, not under a folder named for test data.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const importsOf = (text: string): string[] => [...text.matchAll(/^import[^;]*? from '([^']+)';/gms)].map((m) => m[1]!);

describe('scenarios', () => {
  const files = readdirSync(new URL('suites/', root)).filter((f) => f.endsWith('.ts') && f !== 'index.ts');

  it('each imports one module of src/, the scenario API, and nothing else but its siblings', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const imports = importsOf(readFileSync(new URL(`suites/${file}`, root), 'utf8'));
      expect(imports, file).toContain('../src/scenario-api.js');
      expect(imports.filter((i) => i !== '../src/scenario-api.js' && !i.startsWith('./')), file).toEqual([]);
    }
  });
});

describe('src/', () => {
  it('has no fixtures/ folder: runtime code is the engine', () => {
    expect(existsSync(new URL('src/fixtures', root))).toBe(false);
    expect(existsSync(new URL('src/engine/actor.ts', root))).toBe(true);
  });
});
