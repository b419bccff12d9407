// The header lists of replaying a recording, side by side because they differ on purpose: each
// is said once, with why it is that list, and what two of them leave out for the same reason
// they share. (Two more lists belong to the transport and live there: the proxy's hop-by-hop
// headers, src/tools/proxy.ts, and the headers that take no part in matching a request to its
// recording, src/recording/recorder.ts.)

/**
 * How the recorded message was framed on its connection (RFC 9110 §6, §7.6.1): these described
 * one connection, not the message, and whoever sends the message again frames it anew.
 */
const framingHeaders = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'];

/**
 * Response headers that `serve --replay` and the nock replay do not serve from the recording:
 * the framing, and the date the answer was recorded at (the server answering now has its own).
 */
export const notServedFromRecording: ReadonlySet<string> = new Set([...framingHeaders, 'date']);

/**
 * Request headers `replay` never copies from the recording when it re-sends a request to a new
 * target: the framing and the rest of the recorded connection (host, expect, te, trailer,
 * upgrade: the client sets or refuses them itself), the caller (authorization is mapped to the
 * new target's bearer instead), and credentials a recording only keeps as <redacted>
 * (proxy-authorization, cookie).
 */
export const notCopiedFromRecording: ReadonlySet<string> = new Set([
  ...framingHeaders,
  'host',
  'expect',
  'te',
  'trailer',
  'upgrade',
  'authorization',
  'proxy-authorization',
  'cookie',
]);
