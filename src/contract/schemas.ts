// The JSON Schemas of every response kind (docs/contract.md §2 and §3), with the bounds of
// limits.ts. The checks compile them (src/checks/body-validation.ts); their $id and paths are
// what a report's schemaPath names (docs/report-format.md).
import { limits } from './limits.js';

const timestamp = { type: 'string', format: 'date-time' } as const;

export const responseSchemas = {
  CreateAccessToken: {
    $id: 'CreateAccessTokenResponse',
    type: 'object',
    required: ['secret', 'name', 'accessTokenId'],
    properties: {
      secret: { type: 'string', minLength: limits.secretLength.min, maxLength: limits.secretLength.max },
      name: { type: 'string', minLength: limits.nameLength.min, maxLength: limits.nameLength.max },
      expiresTime: timestamp,
      accessTokenId: { type: 'string', minLength: limits.idLength.min, maxLength: limits.idLength.max },
    },
  },
  ListAccessTokens: {
    $id: 'ListAccessTokensResponse',
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        maxItems: limits.maxResults.max,
        items: {
          type: 'object',
          required: ['id', 'name'],
          properties: {
            id: { type: 'string', minLength: limits.idLength.min, maxLength: limits.idLength.max },
            name: { type: 'string', minLength: limits.nameLength.min, maxLength: limits.nameLength.max },
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
