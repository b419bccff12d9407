// What stands in for a secret wherever the tool shows or stores one: said once, here.

/** The n-th identity's bearer token (1: --token, 2: --other-token, then the proxy's callers in order). */
export function identityPlaceholder(n: number): string {
  return `<identity-${n}>`;
}

/** The `secret` a CreateAccessToken answered, in recordings and wherever it is echoed. */
export const tokenSecretPlaceholder = '<token-secret>';

/** The `secret` member of an answer shown as evidence in a report. */
export const secretFieldPlaceholder = '<redacted:secret>';

/** Any other credential or sensitive value (a bearer nobody named, --redact-header values, options). */
export const redactedValue = '<redacted>';
