// The response headers the contract gives a meaning to. Header names are case-insensitive on
// the wire; the client stores them lower-case, and so are they written here.

/** The header that names an error (docs/contract.md §3.3): a server must send it with every error. */
export const errorTypeHeader = 'x-amzn-errortype';

/** How long a 429 asks the client to wait, in seconds or as an HTTP date (docs/contract.md §4). */
export const retryAfterHeader = 'retry-after';
