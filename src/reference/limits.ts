// The reference server's own statement of the model's bounds: ID and name lengths (code points,
// as the model's length trait counts) and maxResults.
//
// Independent of src/contract/ on purpose, like the reference's error table (errors.ts) and its
// routes (routes.ts): the reference is the oracle the checks are tested against. If both read
// one table, a wrong number in it would be wrong on both sides and every test would still pass;
// stated twice, a slip in either shows up as a failing test. Do not import src/contract/ here,
// and do not merge this with src/contract/limits.ts.
export const referenceLimits = {
  idLength: { min: 1, max: 36 },
  nameLength: { min: 1, max: 100 },
  maxResults: { min: 1, max: 10 },
} as const;
