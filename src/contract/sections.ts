// The sections of docs/contract.md, the project's one statement of the rules it checks. Every
// case and check cites one of these; a test holds this table to the document's headings, so a
// citation can never name a section that does not exist.

export const contractDocument = 'docs/contract.md';

export const contractSections = {
  '1': 'Scope',
  '2.1': 'CreateAccessToken',
  '2.2': 'ListAccessTokens and pagination',
  '2.3': 'DeleteAccessToken',
  '2.4': 'VerifySession',
  '2.5': 'IDs and lengths',
  '3.1': 'The success body of a delete',
  '3.2': 'Success bodies of the other operations',
  '3.3': 'Errors',
  '3.4': 'Missing or invalid credentials',
  '4': 'Throttling',
  '5.1': 'Valid delete',
  '5.2': 'Wrong owner',
  '5.3': 'Missing ID',
  '5.4': 'ID over 36 characters',
  '5.5': 'Unknown ID',
  '5.6': 'IDs that could reach another resource',
  '5.7': 'Unauthenticated deletes and unknown bearers',
  '5.8': 'Concurrent conflict',
  '5.9': 'Throttle burst',
  '6.1': 'Exact match',
  '6.2': 'Refused deletes change nothing',
  '6.3': 'Identities are isolated',
  '6.4': 'Names are not keys',
  '6.5': 'A 200 is a delete',
  '6.6': 'IDs are not reused',
  '6.7': 'Concurrent writes are not lost',
  '7': 'Shape rules on every exchange',
  '8': 'Bounds',
  '9': 'Safety of a run against a real service',
  '10': 'Histories under concurrency',
} as const;

export type ContractSection = keyof typeof contractSections;

/** "contract §6.1 Exact match"; several sections are joined with "; ". */
export function cite(...sections: ContractSection[]): string {
  return sections.map((s) => `contract §${s} ${contractSections[s]}`).join('; ');
}
