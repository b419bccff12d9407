// Validating a parsed body against the contract's JSON Schemas (src/contract/schemas.ts),
// compiled once at start-up. ajv counts string lengths in code points, as Smithy does.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { responseSchemas, type SchemaName } from '../contract/schemas.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

export interface SchemaFailure {
  schema: SchemaName;
  schemaPath: string;
  instancePath: string;
  message: string;
}

const ajv = new Ajv({ allErrors: false, strict: true });
addFormats(ajv);
const validators = Object.fromEntries(Object.entries(responseSchemas).map(([name, schema]) => [name, ajv.compile(schema)])) as Record<
  SchemaName,
  ValidateFunction
>;

/** Validate a parsed JSON body; undefined when it conforms. */
export function validateBody(schema: SchemaName, value: unknown): SchemaFailure | undefined {
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
