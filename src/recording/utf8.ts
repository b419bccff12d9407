// Bodies are kept as text when they are valid UTF-8; HAR stores any other body as base64.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are valid UTF-8, else undefined. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return '';
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
