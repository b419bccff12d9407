// The validators `npm run build` generates (ajv's standalone code, src/checks/body-validation.ts)
// judge every body as the validators compiled at run time do: same verdict, same first error.
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { prebuiltValidatorsSource, validateBody } from '../src/checks/body-validation.js';
import { responseSchemas, type SchemaName } from '../src/contract/schemas.js';

/** The generated module, evaluated as CommonJS with this project's node_modules. */
function loadGenerated(): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', prebuiltValidatorsSource())(createRequire(import.meta.url), module, module.exports);
  return module.exports;
}

const token = { secret: 'patc-secret', name: 'n', accessTokenId: 'id-1', expiresTime: '2030-01-01T00:00:00Z' };
const bodies: Record<SchemaName, unknown[]> = {
  CreateAccessToken: [
    token,
    { ...token, expiresTime: undefined },
    { ...token, expiresTime: 'tomorrow' },
    { ...token, expiresTime: '2030-02-30T00:00:00Z' },
    { ...token, secret: '' },
    { ...token, accessTokenId: 'a'.repeat(36) },
    { ...token, accessTokenId: 'a'.repeat(37) },
    { ...token, name: '😀'.repeat(100) },
    { ...token, name: '😀'.repeat(101) },
    { name: 'n', accessTokenId: 'id' },
    [],
    null,
    'text',
  ],
  ListAccessTokens: [
    { items: [] },
    { items: [{ id: 'a', name: 'n' }], nextToken: null },
    { items: [{ id: 'a', name: 'n' }], nextToken: '' },
    { items: [{ id: 'a', name: 'n' }], nextToken: 5 },
    { items: [{ id: '', name: 'n' }] },
    { items: [{ id: 'a', name: 'n', expiresTime: 'yesterday' }] },
    { items: Array.from({ length: 101 }, (_, i) => ({ id: `t${i}`, name: 'n' })) },
    {},
  ],
  DeleteAccessToken: [{}, { a: 1 }, [], 'x'],
  VerifySession: [{}, { identity: 'alice' }, { identity: 5 }, null],
  Error: [{ message: 'm' }, { Message: 'm' }, { message: 5 }, {}, { Message: null, message: 'x' }],
};

describe('prebuilt body validators', () => {
  const generated = loadGenerated();

  it('are generated from the schemas in src/contract/schemas.ts, one per schema', () => {
    expect(generated.schemas).toBe(JSON.stringify(responseSchemas));
    for (const name of Object.keys(responseSchemas)) expect(typeof generated[name], name).toBe('function');
  });

  it('give every body the verdict and the first error of the validators compiled at run time', () => {
    for (const [name, samples] of Object.entries(bodies) as Array<[SchemaName, unknown[]]>) {
      const validate = generated[name] as ValidateFunction;
      for (const body of samples) {
        const compiled = validateBody(name, body);
        const valid = validate(body);
        const first = validate.errors?.[0];
        expect(valid, `${name} ${JSON.stringify(body)?.slice(0, 60)}`).toBe(compiled === undefined);
        if (compiled) {
          expect(`${responseSchemas[name].$id}${first?.schemaPath}`).toBe(compiled.schemaPath);
          expect(first?.instancePath || '/').toBe(compiled.instancePath);
        }
      }
    }
  });
});
