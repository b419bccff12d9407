// From a DeleteAccessToken label to the token it names: decoding, the length rule, the lookup.
//
// Conformant: decode once, count code points (1..36), then find exactly that ID in the store's
// scope. Most ID faults are one wrong step here; each is what a real handler does when it
// decodes, normalizes or compares IDs the way some framework or database does by default.
// No side effects: the delete handler decides what to do with the token found.
import { referenceLimits } from '../limits.js';
import type { Identity, ReferenceState } from '../state.js';
import type { StoredToken } from '../token-store.js';

const { min: minIdLength, max: maxIdLength } = referenceLimits.idLength;

export type IdResult = { ok: true; id: string } | { ok: false; empty: true } | { ok: false; empty: false; message: string };

/** Decodes the label and applies the length rule (and the ID faults). */
export function resolveId(label: string, state: ReferenceState): IdResult {
  let id: string;
  try {
    id = decodeURIComponent(label);
  } catch {
    return { ok: false, empty: false, message: 'The token ID is not valid percent-encoded UTF-8' };
  }
  // What a handler does whose URL decoder writes into a NUL-terminated (C) string: whatever
  // follows the first NUL is lost, before any validation sees the ID.
  if (state.fault('id-nul-terminated') && id.includes('\0')) id = id.slice(0, id.indexOf('\0'));
  if (state.fault('id-double-decode')) {
    // What a handler does that decodes a value its framework already decoded. When the second
    // pass fails (a literal % not followed by hex) the first result stands: one decode too many
    // is the whole defect, not a new way to answer 400.
    try {
      id = decodeURIComponent(id);
    } catch {
      // keep the once-decoded ID
    }
  }
  if (state.fault('trim-id')) {
    id = id.trim();
    if (id === '') return { ok: false, empty: true };
  }
  if (state.fault('id-path-normalize')) {
    // What a handler does that rebuilds a URL or a file path from the ID.
    const cut = id.search(/[?#]/);
    if (cut >= 0) id = id.slice(0, cut);
    id = id.slice(id.lastIndexOf('/') + 1);
  }
  // Before the length rule, as a router's trailing-slash normalization is: with 36-character
  // IDs, <id>%2F would otherwise be a 400 either way and the defect could not be seen.
  if (state.fault('id-strip-trailing-slash') && id.endsWith('/')) id = id.slice(0, -1);
  const codePoints = [...id];
  if (state.fault('truncate-long-id') && codePoints.length > maxIdLength) {
    id = codePoints.slice(0, maxIdLength).join('');
  }
  if (!state.fault('no-length-check')) {
    // Smithy counts code points; utf16-length counts what JavaScript's .length counts.
    const length = state.fault('utf16-length') ? id.length : [...id].length;
    if (length < minIdLength || length > maxIdLength) {
      return { ok: false, empty: false, message: `The token ID must be ${minIdLength} to ${maxIdLength} characters long` };
    }
  }
  // What a handler does that validates IDs against the characters its own IDs are made of
  // (RFC 3986's unreserved set without ~, ASCII only): IDs are opaque, any character is valid.
  if (state.fault('id-strict-pattern') && !/^[A-Za-z0-9_.-]+$/.test(id)) {
    return { ok: false, empty: false, message: 'The token ID must match the pattern [A-Za-z0-9_.-]+' };
  }
  return { ok: true, id };
}

/**
 * The token `id` names for the caller: exactly that ID in the store's scope (anyone's in global
 * scope, so that a wrong owner can be told 403), or, under a lookup fault, a looser match.
 */
export function lookUp(state: ReferenceState, identity: Identity, id: string): StoredToken | undefined {
  const exact = state.store.find(identity.key, id);
  if (exact) return exact;
  if (state.fault('id-case-insensitive')) {
    // What a case-insensitive collation (MySQL's default) compares.
    const folded = id.toLowerCase();
    const match = state.store.reachableBy(identity.key).find((t) => t.id.toLowerCase() === folded);
    if (match) return match;
  }
  if (state.fault('id-ignore-punctuation')) {
    // What a lookup that canonicalises IDs by stripping separators does.
    const bare = (value: string): string => value.replace(/[-._~]/g, '');
    const match = bare(id) === '' ? undefined : state.store.reachableBy(identity.key).find((t) => bare(t.id) === bare(id));
    if (match) return match;
  }
  if (state.fault('id-nfkc')) {
    // What a lookup that normalises Unicode before comparing does.
    const folded = id.normalize('NFKC');
    const match = state.store.reachableBy(identity.key).find((t) => t.id.normalize('NFKC') === folded);
    if (match) return match;
  }
  if (state.fault('id-numeric-match')) {
    // What a loosely typed comparison does (PHP's ==, a numeric column): "07" == "7".
    const wanted = asNumber(id);
    const match = wanted === undefined ? undefined : state.store.reachableBy(identity.key).find((t) => asNumber(t.id) === wanted);
    if (match) return match;
  }
  if (state.fault('id-prefix-match')) {
    // What a lookup with LIKE 'id%' or startsWith does.
    const match = onlyOne(state.store.ownedBy(identity.key).filter((t) => t.id.startsWith(id)));
    if (match) return match;
  }
  if (state.fault('id-unanchored-match')) {
    // What an unanchored pattern match does: the token's ID found anywhere in the given one.
    const match = onlyOne(state.store.ownedBy(identity.key).filter((t) => id.includes(t.id)));
    if (match) return match;
  }
  if (state.fault('id-like-wildcards')) {
    // What a lookup with `id LIKE ?` does when the ID is not escaped: % is any run, _ any one character.
    const pattern = likePattern(id);
    const match = pattern ? onlyOne(state.store.ownedBy(identity.key).filter((t) => pattern.test(t.id))) : undefined;
    if (match) return match;
  }
  return undefined;
}

/** The regular expression an unescaped SQL LIKE pattern amounts to; undefined without a wildcard. */
function likePattern(id: string): RegExp | undefined {
  if (!/[%_]/.test(id)) return undefined;
  const body = [...id].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'su');
}

/** The value Number() gives, when it is a finite number and the text is not blank ("" is 0). */
function asNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function onlyOne(matches: StoredToken[]): StoredToken | undefined {
  return matches.length === 1 ? matches[0] : undefined;
}
