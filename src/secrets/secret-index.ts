// Finding any of many known strings (secrets, in all their spellings) in a text in one pass,
// at a cost that does not grow with how many there are. A proxy learns a secret from every
// CreateAccessToken answer and redacts every later exchange with all of them: searching for each
// in turn made every request cost O(secrets learnt so far).
//
// Each needle is filed under a hash of its first `prefixLength` characters. The text is walked
// once with a rolling hash of the last `prefixLength` characters; where the hash has needles,
// they are compared there, longest first: at every position the longest needle that starts
// there wins (a secret that contains another is replaced whole), and the walk goes on after it.
// Needles shorter than the prefix (none that the registry keeps) are searched one by one.

/** Characters a needle's bucket is keyed on. */
const prefixLength = 4;
/** The rolling hash keeps the last four characters (8 bits apart) in a small integer. */
const hashMask = 0x3fffffff;
/** A bit per 20-bit mix of a hash: most positions of a text are ruled out without a Map lookup. */
const filterBits = 20;
const filterBit = (key: number): number => Math.imul(key, 0x9e3779b1) >>> (32 - filterBits);
const emptyFilter = new Uint32Array(0);

export interface IndexMatch<V> {
  at: number;
  needle: string;
  value: V;
}

export class SecretIndex<V> {
  private readonly values = new Map<string, V>();
  /**
   * Needles by the hash of their first characters: the needle itself when it is alone there (the
   * usual case: tens of thousands of secrets cost a string each, not an array), else a list,
   * longest first. Values are in `values`.
   */
  private readonly buckets = new Map<number, string | string[]>();
  /** Needles shorter than the prefix, longest first. */
  private readonly short: string[] = [];
  /** Allocated with the first needle (128 KiB): many redactors never see a secret. */
  private filter = emptyFilter;
  private longest = 0;

  get size(): number {
    return this.values.size;
  }

  /** The longest needle's length: a text cut into chunks must overlap by one less than this. */
  get maxLength(): number {
    return this.longest;
  }

  has(needle: string): boolean {
    return this.values.has(needle);
  }

  get(needle: string): V | undefined {
    return this.values.get(needle);
  }

  /** File a needle with its value; a needle already filed keeps its first value. */
  add(needle: string, value: V): void {
    if (needle === '' || this.values.has(needle)) return;
    this.values.set(needle, value);
    this.longest = Math.max(this.longest, needle.length);
    if (needle.length < prefixLength) {
      insertLongestFirst(this.short, needle);
      return;
    }
    let key = 0;
    for (let i = 0; i < prefixLength; i++) key = ((key << 8) ^ needle.charCodeAt(i)) & hashMask;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, needle);
    else if (typeof bucket === 'string') this.buckets.set(key, insertLongestFirst([bucket], needle));
    else insertLongestFirst(bucket, needle);
    if (this.filter === emptyFilter) this.filter = new Uint32Array((1 << filterBits) >>> 5);
    const bit = filterBit(key);
    this.filter[bit >>> 5]! |= 1 << (bit & 31);
  }

  /** The first needle found in the text (leftmost, then longest), or undefined. */
  find(text: string): IndexMatch<V> | undefined {
    let found: IndexMatch<V> | undefined;
    this.walk(text, (match) => {
      found = match;
      return false;
    });
    return found;
  }

  /** Every needle found replaced by what `replacement` makes of its value. */
  replace(text: string, replacement: (value: V, needle: string) => string): string {
    if (this.values.size === 0) return text;
    let out = '';
    let last = 0;
    let matched = false;
    this.walk(text, (match) => {
      out += text.slice(last, match.at) + replacement(match.value, match.needle);
      last = match.at + match.needle.length;
      matched = true;
      return true;
    });
    return matched ? out + text.slice(last) : text;
  }

  /** Calls `onMatch` for each match, left to right, matches never overlapping; stops when it returns false. */
  private walk(text: string, onMatch: (match: IndexMatch<V>) => boolean): void {
    if (this.values.size === 0) return;
    if (this.short.length > 0) {
      this.walkShort(text, onMatch);
      return;
    }
    const buckets = this.buckets;
    const filter = this.filter;
    let key = 0;
    let filled = 0;
    for (let i = 0; i < text.length; i++) {
      key = ((key << 8) ^ text.charCodeAt(i)) & hashMask;
      if (++filled < prefixLength) continue;
      const bit = filterBit(key);
      if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
      const bucket = buckets.get(key);
      if (bucket === undefined) continue;
      const at = i - prefixLength + 1;
      const needle =
        typeof bucket === 'string' ? (text.startsWith(bucket, at) ? bucket : undefined) : bucket.find((n) => text.startsWith(n, at));
      if (needle === undefined) continue;
      if (!onMatch({ at, needle, value: this.values.get(needle)! })) return;
      i = at + needle.length - 1;
      key = 0;
      filled = 0;
    }
  }

  /**
   * With needles shorter than the prefix: at each position, the longest of the bucket's needles
   * and the short ones that starts there. Slower (every position checks every short needle), and
   * only for callers that give such needles.
   */
  private walkShort(text: string, onMatch: (match: IndexMatch<V>) => boolean): void {
    for (let at = 0; at < text.length; ) {
      let best: string | undefined;
      if (at + prefixLength <= text.length) {
        let key = 0;
        for (let j = 0; j < prefixLength; j++) key = ((key << 8) ^ text.charCodeAt(at + j)) & hashMask;
        const bucket = this.buckets.get(key);
        best =
          typeof bucket === 'string' ? (text.startsWith(bucket, at) ? bucket : undefined) : bucket?.find((n) => text.startsWith(n, at));
      }
      best ??= this.short.find((needle) => text.startsWith(needle, at));
      if (best === undefined) {
        at++;
        continue;
      }
      if (!onMatch({ at, needle: best, value: this.values.get(best)! })) return;
      at += best.length;
    }
  }
}

function insertLongestFirst(list: string[], needle: string): string[] {
  let i = 0;
  while (i < list.length && list[i]!.length >= needle.length) i++;
  list.splice(i, 0, needle);
  return list;
}
