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
//
// While the needles are few, most positions are not even looked at (Horspool's rule over
// three-character grams): a window as long as the shortest needle is placed on the text, and
// the last three characters under it say how far it can move on without passing over the start
// of any needle. Recorded texts share little with random secrets, so a run's recorder (a few
// hundred needles) looks at a tenth of the characters or fewer. With many needles nearly every
// gram is some needle's and the windows barely move: the index then walks every position as
// above (a proxy learns tens of thousands of secrets).

/** Characters a needle's bucket is keyed on. */
const prefixLength = 4;
/** The rolling hash keeps the last four characters (8 bits apart) in a small integer. */
const hashMask = 0x3fffffff;
/** A bit per 20-bit mix of a hash: most positions of a text are ruled out without a Map lookup. */
const filterBits = 20;
const filterBit = (key: number): number => Math.imul(key, 0x9e3779b1) >>> (32 - filterBits);
const emptyFilter = new Uint32Array(0);

/** Characters of the grams that decide a window's move, and the bits they are hashed into. */
const gramLength = 3;
const shiftBits = 16;
const gramHash = (a: number, b: number, c: number): number => Math.imul((a << 10) ^ (b << 5) ^ c, 0x9e3779b1) >>> (32 - shiftBits);
/** Past this share of grams that allow no move, skipping costs more than it saves. */
const maxStuckShare = 1 / 4;
const emptyShifts = new Uint8Array(0);

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
  /** The shortest needle's length (the skipping window), 0 before the first needle. */
  private shortest = 0;
  /** How far a window may move, by the hash of the last gram under it (at most 255). */
  private shifts = emptyShifts;
  /** Grams (hashes) under which a window cannot move. */
  private stuck = 0;

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
    if (this.shortest === 0 || needle.length < this.shortest) {
      // A shorter window: every needle's grams again (rare: needles are much the same length).
      this.shortest = needle.length;
      this.shifts = new Uint8Array(1 << shiftBits).fill(Math.min(255, this.shortest - gramLength + 1));
      this.stuck = 0;
      for (const known of this.values.keys()) if (known.length >= prefixLength) this.addShifts(known);
    } else {
      this.addShifts(needle);
    }
  }

  /** A window whose last gram ends `k` characters from the end of the needle's first `shortest` may move `k`. */
  private addShifts(needle: string): void {
    const shifts = this.shifts;
    const window = this.shortest;
    for (let end = gramLength - 1; end < window; end++) {
      const h = gramHash(needle.charCodeAt(end - 2), needle.charCodeAt(end - 1), needle.charCodeAt(end));
      const shift = window - 1 - end;
      if (shift < shifts[h]!) {
        if (shift === 0) this.stuck++;
        shifts[h] = shift;
      }
    }
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
    if (this.stuck <= maxStuckShare * (1 << shiftBits)) {
      this.walkSkipping(text, onMatch);
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
   * The same matches as the walk of every position: a window is moved on only as far as no
   * needle can start in between (the gram at its end would be one of that needle's first
   * `shortest` characters, and such a gram allows no longer move); where it cannot move, the
   * needles that start at the window are compared, as the walk compares them.
   */
  private walkSkipping(text: string, onMatch: (match: IndexMatch<V>) => boolean): void {
    const { buckets, filter, shifts } = this;
    const window = this.shortest;
    const last = text.length - window;
    let at = 0;
    while (at <= last) {
      const end = at + window - 1;
      const shift = shifts[gramHash(text.charCodeAt(end - 2), text.charCodeAt(end - 1), text.charCodeAt(end))]!;
      if (shift > 0) {
        at += shift;
        continue;
      }
      let key = 0;
      for (let i = 0; i < prefixLength; i++) key = ((key << 8) ^ text.charCodeAt(at + i)) & hashMask;
      const bit = filterBit(key);
      const bucket = (filter[bit >>> 5]! & (1 << (bit & 31))) === 0 ? undefined : buckets.get(key);
      const needle =
        bucket === undefined
          ? undefined
          : typeof bucket === 'string'
            ? text.startsWith(bucket, at)
              ? bucket
              : undefined
            : bucket.find((n) => text.startsWith(n, at));
      if (needle === undefined) {
        at++;
        continue;
      }
      if (!onMatch({ at, needle, value: this.values.get(needle)! })) return;
      at += needle.length;
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
