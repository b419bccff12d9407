// Validating a parsed body against the contract's JSON Schemas (src/contract/schemas.ts).
// ajv counts string lengths in code points, as Smithy does.
//
// The validators are ajv's own code for these schemas. `npm run build` writes it next to this
// module (body-validators.cjs, ajv's "standalone" code, see writePrebuiltValidators): loading ajv
// and compiling the schemas was about 80 ms of every run's start-up. Without that file (tests
// run from src/), or when it was generated from other schemas, the same validators are compiled
// here on first use, with the same options.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { responseSchemas, type SchemaName } from '../contract/schemas.js';

const require = createRequire(import.meta.url);

export interface SchemaFailure {
  schema: SchemaName;
  schemaPath: string;
  instancePath: string;
  message: string;
}

type Validators = Record<SchemaName, ValidateFunction>;

const schemaNames = Object.keys(responseSchemas) as SchemaName[];
const prebuiltFile = new URL('./body-validators.cjs', import.meta.url);

/** The one ajv set-up, for validators compiled here and for those generated at build time. */
function newAjv(extra: Options = {}): Ajv {
  // Required when needed, not imported: a run with prebuilt validators never loads ajv.
  const ajvModule: typeof import('ajv') = require('ajv');
  // ajv-formats is CommonJS (`module.exports = addFormats`): required, it is the function itself.
  const addFormats: (ajv: Ajv) => Ajv = require('ajv-formats');
  const ajv = new ajvModule.Ajv({ allErrors: false, strict: true, ...extra });
  addFormats(ajv);
  return ajv;
}

function compileNow(): Validators {
  const ajv = newAjv();
  return Object.fromEntries(schemaNames.map((name) => [name, ajv.compile(responseSchemas[name])])) as Validators;
}

/**
 * ajv's standalone code for every schema, one export per schema name, and the schemas it was
 * generated from (so that a stale file is never used). What `npm run build` writes.
 */
export function prebuiltValidatorsSource(): string {
  // ajv-formats tells the generated code where its formats come from (code.formats).
  const ajv = newAjv({ code: { source: true } });
  for (const name of schemaNames) ajv.addSchema(responseSchemas[name]);
  const standaloneCode: (ajv: Ajv, refs: Record<string, string>) => string = require('ajv/dist/standalone/index.js').default;
  const code = standaloneCode(ajv, Object.fromEntries(schemaNames.map((name) => [name, responseSchemas[name].$id])));
  return `${code}\nmodule.exports.schemas = ${JSON.stringify(JSON.stringify(responseSchemas))};\n`;
}

/** `npm run build`: generate body-validators.cjs next to the built module. */
export function writePrebuiltValidators(): void {
  writeFileSync(prebuiltFile, prebuiltValidatorsSource());
}

/** The validators generated at build time, when they were generated from these schemas. */
function prebuilt(): Validators | undefined {
  let generated: Partial<Record<SchemaName, ValidateFunction>> & { schemas?: string };
  try {
    generated = require(fileURLToPath(prebuiltFile));
  } catch {
    return undefined;
  }
  if (generated.schemas !== JSON.stringify(responseSchemas)) return undefined;
  if (!schemaNames.every((name) => typeof generated[name] === 'function')) return undefined;
  return Object.fromEntries(schemaNames.map((name) => [name, generated[name]])) as Validators;
}

/** Loaded on first use: a command that validates no body (--help, serve, proxy) pays nothing. */
let validators: Validators | undefined;

/** Validate a parsed JSON body; undefined when it conforms. */
export function validateBody(schema: SchemaName, value: unknown): SchemaFailure | undefined {
  validators ??= prebuilt() ?? compileNow();
  const validate = validators[schema];
  if (validate(value)) return undefined;
  const first: ErrorObject | undefined = validate.errors?.[0];
  return {
    schema,
    schemaPath: `${responseSchemas[schema].$id}${first?.schemaPath ?? '#'}`,
    instancePath: first?.instancePath || '/',
    message: first ? `${first.instancePath || 'body'} ${first.message ?? 'does not match'}` : 'does not match',
  };
}
