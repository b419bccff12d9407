// Where docs/contract.md is in this installation. It ships in the package next to dist/, so it
// is found by walking up from this module (which runs from src/ in tests, dist/src/ otherwise).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contractDocument } from './sections.js';

/** Absolute path of the contract document, or undefined if this installation lacks it. */
export function contractPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, contractDocument);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readContract(): string | undefined {
  const path = contractPath();
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}
