// The model's bounds (docs/contract.md §2.1 to §2.3, §2.5, §3.2), counted in code points as the
// model's length trait counts (§2.5). The JSON schemas and the scenarios' probes take them from
// here, so that "36" is said once.
export const limits = {
  /** A token ID: accessTokenId, and the delete's label after one percent-decoding (§2.3, §2.5). */
  idLength: { min: 1, max: 36 },
  /** A token's name (§2.1). */
  nameLength: { min: 1, max: 100 },
  /** A token's secret (§2.1). */
  secretLength: { min: 1, max: 4000 },
  /** ListAccessTokens' maxResults (§2.2); a page never holds more items than its maximum (§3.2). */
  maxResults: { min: 1, max: 10 },
} as const;
