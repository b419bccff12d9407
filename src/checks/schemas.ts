// JSON Schemas of every response kind (docs/contract.md §2 and §3),
// compiled once at start-up. ajv counts string lengths in code points, as Smithy does.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

const timestamp = { type: 'string', format: 'date-time' } as const;

export const responseSchemas = {
  CreateAccessToken: {
    $id: 'CreateAccessTokenResponse',
    type: 'object',
    required: ['secret', 'name', 'accessTokenId'],
    properties: {
      secret: { type: 'string', minLength: 1, maxLength: 4000 },
      name: { type: 'string', minLength: 1, maxLength: 100 },
      expiresTime: timestamp,
      accessTokenId: { type: 'string', minLength: 1, maxLength: 36 },
    },
  },
  ListAccessTokens: {
    $id: 'ListAccessTokensResponse',
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        maxItems: 10,
        items: {
          type: 'object',
          required: ['id', 'name'],
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 36 },
            name: { type: 'string', minLength: 1, maxLength: 100 },
            expiresTime: timestamp,
          },
        },
      },
      // Absent, null or "" on the last page (contract §2.2): the model leaves the member
      // unconstrained and the AWS SDKs' paginators stop on all three.
      nextToken: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
  },
  /** The success body of DeleteAccessToken when it is not zero bytes: only `{}` is allowed. */
  DeleteAccessToken: {
    $id: 'DeleteAccessTokenResponse',
    type: 'object',
    maxProperties: 0,
  },
  VerifySession: {
    $id: 'VerifySessionResponse',
    type: 'object',
    properties: { identity: { type: 'string' } },
  },
  /** Every error: a JSON object with a string `message` (or `Message`). */
  Error: {
    $id: 'ErrorResponse',
    type: 'object',
    anyOf: [
      { required: ['message'], properties: { message: { type: 'string' } } },
      { required: ['Message'], properties: { Message: { type: 'string' } } },
    ],
  },
} as const;

export type SchemaName = keyof typeof responseSchemas;

export interface SchemaFailure {
  schema: SchemaName;
  schemaPath: string;
  instancePath: string;
  message: string;
}

const ajv = new Ajv({ allErrors: false, strict: true });
addFormats(ajv);
const validators = Object.fromEntries(
  Object.entries(responseSchemas).map(([name, schema]) => [name, ajv.compile(schema)]),
) as Record<SchemaName, ValidateFunction>;

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
