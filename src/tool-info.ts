// Name and version of this tool, read once from package.json. The file is found by walking up
// from this module, because it runs both from src/ (tests) and from dist/src/ (the CLI).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pat-conformance' && pkg.version) return { name: pkg.name, version: pkg.version };
    }
    const parent = dirname(dir);
    if (parent === dir) return { name: 'pat-conformance', version: '0.0.0' };
    dir = parent;
  }
}

const pkg = findPackageJson();
export const toolName: string = pkg.name;
export const toolVersion: string = pkg.version;
