// Validating a parsed body against the contract's JSON Schemas (src/contract/schemas.ts),
// compiled once at start-up. ajv counts string lengths in code points, as Smithy does.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { responseSchemas, type SchemaName } from '../contract/schemas.js';

// ajv-formats is CommonJS (`module.exports = addFormats`): required, it is the function itself.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = createRequire(import.meta.url)('ajv-formats') as AddFormats;

export interface SchemaFailure {
  schema: SchemaName;
  schemaPath: string;
  instancePath: string;
  message: string;
}

/** Compiled on first use: a command that validates no body (--help, serve, proxy) pays nothing. */
let validators: Record<SchemaName, ValidateFunction> | undefined;

function compiled(): Record<SchemaName, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: false, strict: true });
    addFormats(ajv);
    validators = Object.fromEntries(Object.entries(responseSchemas).map(([name, schema]) => [name, ajv.compile(schema)])) as Record<
      SchemaName,
      ValidateFunction
    >;
  }
  return validators;
}

/** Validate a parsed JSON body; undefined when it conforms. */
export function validateBody(schema: SchemaName, value: unknown): SchemaFailure | undefined {
  const validate = compiled()[schema];
  if (validate(value)) return undefined;
  const first: ErrorObject | undefined = validate.errors?.[0];
  return {
    schema,
    schemaPath: `${responseSchemas[schema].$id}${first?.schemaPath ?? '#'}`,
    instancePath: first?.instancePath || '/',
    message: first ? `${first.instancePath || 'body'} ${first.message ?? 'does not match'}` : 'does not match',
  };
}
