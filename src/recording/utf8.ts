// Bodies are kept as text when they are valid UTF-8; HAR stores any other body as base64.
import { isUtf8 } from 'node:buffer';

/** The bytes as text when they are valid UTF-8, else undefined. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return '';
  // isUtf8 and one decode cost less than a fatal TextDecoder, which this ran for every recorded
  // body; the text is the same as its (a leading byte order mark dropped, as it drops it).
  if (!isUtf8(bytes)) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
