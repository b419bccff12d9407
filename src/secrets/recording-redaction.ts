// Redaction of recorded traffic, applied to every HAR entry before it is persisted (Polly's
// `beforePersist`). Bearer tokens become stable pseudonyms, so who did what survives and the
// secret does not; token secrets become a placeholder; --redact-header and --redact-field add
// more. Known secrets are also replaced in their JSON-escaped and percent-encoded spellings and
// inside base64 bodies, and a last scan of every written byte (scanForSecrets) proves it.
import type { Entry, Header } from 'har-format';
import { identityPlaceholder, redactedValue, secretFieldPlaceholder, tokenSecretPlaceholder } from './placeholders.js';
import { redactSecretField, spellings, type SecretRedactor } from './registry.js';
import { SecretIndex } from './secret-index.js';
import { latin1Of } from './secret-scan.js';

export { scanForSecrets } from './secret-scan.js';

export { redactedValue, tokenSecretPlaceholder };

/** Headers whose value is never kept, whatever the options say (authorization is pseudonymized). */
export const alwaysRedactedHeaders = ['proxy-authorization', 'cookie', 'set-cookie', 'x-amz-security-token'];

export interface TrafficRedactorOptions {
  /** Extra header names whose values are replaced (case-insensitive). */
  headers?: readonly string[];
  /** JSON member names whose values are replaced, at any depth. */
  fields?: readonly string[];
  /** Proxy: a bearer not known yet becomes the next `<identity-N>` (in order of first appearance). */
  pseudonymizeBearers?: boolean;
}

export class TrafficRedactor {
  private readonly headerNames: Set<string>;
  private readonly fieldNames: Set<string>;
  private readonly pseudonyms: string[] = [];
  /** Bearers given a pseudonym here (also those too short for SecretRedactor to replace in text). */
  private readonly bearers = new Map<string, string>();

  constructor(
    readonly secrets: SecretRedactor,
    private readonly options: TrafficRedactorOptions = {},
  ) {
    this.headerNames = new Set([...alwaysRedactedHeaders, ...(options.headers ?? [])].map((h) => h.toLowerCase()));
    this.fieldNames = new Set(options.fields ?? []);
  }

  /** Pseudonyms handed out so far (proxy) or known from the run, in order. */
  identities(): string[] {
    return [...this.pseudonyms];
  }

  /** Replay: callers present themselves by pseudonym; each stands for itself. */
  acceptPseudonym(pseudonym: string): void {
    this.bearers.set(pseudonym, pseudonym);
    this.noteIdentity(pseudonym);
  }

  /** Note a bearer the run already named (`<identity-1>` for --token, ...). */
  noteIdentity(pseudonym: string): void {
    if (!this.pseudonyms.includes(pseudonym)) this.pseudonyms.push(pseudonym);
  }

  /**
   * The Authorization header as it may be stored: `Bearer <identity-N>`, the scheme alone when
   * the credentials are empty (nothing secret to hide), `Scheme <redacted>` otherwise.
   */
  authorization(value: string): string {
    const match = /^(\S+)(\s+)([\s\S]*)$/.exec(value);
    if (!match) {
      if (value.trim() === '' || /^(bearer|basic|digest|negotiate|aws4-hmac-sha256)$/i.test(value.trim())) return value;
      return redactedValue;
    }
    const scheme = match[1]!;
    const credentials = match[3]!;
    if (credentials.trim() === '') return value;
    if (/^bearer$/i.test(scheme)) return `${scheme} ${this.bearer(credentials)}`;
    return `${scheme} ${redactedValue}`;
  }

  /** The stored name of a bearer token: its pseudonym, or `<redacted>` for one nobody named. */
  bearer(token: string): string {
    const mine = this.bearers.get(token) ?? this.secrets.placeholderOf(token);
    if (mine) return mine;
    // A known bearer with characters appended (the run's impostor probe) keeps the pseudonym and
    // the suffix, in a recording and in its replay alike, where bearers are pseudonyms.
    for (const [bearer, name] of this.bearers) {
      if (bearer.length >= 4 && token.startsWith(bearer)) return `${name}${token.slice(bearer.length)}`;
    }
    const known = this.secrets.text(token);
    if (known !== token) return known;
    if (!this.options.pseudonymizeBearers) return redactedValue;
    const pseudonym = identityPlaceholder(this.pseudonyms.length + 1);
    this.pseudonyms.push(pseudonym);
    this.bearers.set(token, pseudonym);
    // Registered like the run's own bearers: replaced wherever it appears, and scanned for.
    this.secrets.add(token, pseudonym);
    return pseudonym;
  }

  /** Learn the secret of a CreateAccessToken answer (or any JSON answer with a `secret`). */
  learnSecrets(body: string): void {
    if (!body.includes('"secret"')) return;
    try {
      const json = JSON.parse(body) as { secret?: unknown };
      if (json && typeof json.secret === 'string') this.secrets.add(json.secret, tokenSecretPlaceholder);
    } catch {
      // Not JSON: redactSecretField still blanks a "secret" member when the text is stored.
    }
  }

  /**
   * Every spelling of every known secret (spellings of spellings included: a JSON-escaped secret
   * percent-encoded) with its placeholder. Kept up to date by taking only the secrets registered
   * since the last look: a proxy learns one with every create.
   */
  private readonly needles = new SecretIndex<string>();
  private needlesSynced = 0;
  /** The registered secrets as bytes (latin1 text of their UTF-8), for base64 bodies. */
  private readonly byteNeedles = new SecretIndex<string>();
  private byteNeedlesSynced = 0;

  private textIndex(): SecretIndex<string> {
    if (this.needlesSynced < this.secrets.registeredCount) {
      for (const [secret, placeholder] of this.secrets.registeredSince(this.needlesSynced)) {
        for (const spelling of spellings(secret)) this.needles.add(spelling, placeholder);
      }
      this.needlesSynced = this.secrets.registeredCount;
    }
    return this.needles;
  }

  private byteIndex(): SecretIndex<string> {
    if (this.byteNeedlesSynced < this.secrets.registeredCount) {
      for (const [secret, placeholder] of this.secrets.registeredSince(this.byteNeedlesSynced)) {
        this.byteNeedles.add(latin1Of(secret), placeholder);
      }
      this.byteNeedlesSynced = this.secrets.registeredCount;
    }
    return this.byteNeedles;
  }

  /** Text of a URL, header or body: known secrets in every spelling, then the `secret` member. */
  text(value: string): string {
    const out = this.textIndex().replace(value, (placeholder) => placeholder);
    // Any "secret" member is blanked even when its value was never learned; recordings say <token-secret>.
    // Most texts have neither: they go by untouched.
    if (!out.includes('"secret"') && !out.includes(secretFieldPlaceholder)) return out;
    return redactSecretField(out).split(`"${secretFieldPlaceholder}"`).join(`"${tokenSecretPlaceholder}"`);
  }

  /**
   * A query member's value as Polly's query parser gives it: a string, null for a member without
   * `=` (`?flag`), an object for `a[b]=c`; whatever it is, no secret stays in it.
   */
  private queryValue(value: string): string {
    // Typed a string by har-format; not always one at run time.
    const actual: unknown = value;
    if (typeof actual === 'string') return this.text(actual);
    if (actual === null || actual === undefined) return value;
    return JSON.parse(this.text(JSON.stringify(actual))) as string;
  }

  /** A body: text redaction, then --redact-field members of a JSON body. */
  body(text: string): string {
    let out = this.text(text);
    if (this.fieldNames.size > 0) out = this.redactFields(out);
    return out;
  }

  /** Raw bytes (a base64 body): known secrets replaced byte for byte. */
  bytes(data: Buffer): Buffer {
    // latin1 maps every byte to one character and back: a byte-exact search with the text index.
    const before = data.toString('latin1');
    const after = this.byteIndex().replace(before, (placeholder) => latin1Of(placeholder));
    return after === before ? data : Buffer.from(after, 'latin1');
  }

  header(name: string, value: string): string {
    const lower = name.toLowerCase();
    if (lower === 'authorization') return this.authorization(value);
    if (this.headerNames.has(lower)) return redactedValue;
    return this.text(value);
  }

  /** header() of a value text() gives back unchanged. */
  private structuralHeader(name: string, value: string): string {
    const lower = name.toLowerCase();
    if (lower === 'authorization') return this.authorization(value);
    if (this.headerNames.has(lower)) return redactedValue;
    return value;
  }

  private redactFields(text: string): string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: redact `"name": "value"` pairs textually.
      let out = text;
      for (const name of this.fieldNames) {
        const pattern = new RegExp(`("${escapeRegExp(name)}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*|true|false|null)`, 'g');
        out = out.replace(pattern, `$1"${redactedValue}"`);
      }
      return out;
    }
    let changed = false;
    const walk = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(walk);
      if (value && typeof value === 'object') {
        const out: Record<string, unknown> = {};
        for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
          if (this.fieldNames.has(key)) {
            out[key] = redactedValue;
            changed = true;
          } else {
            out[key] = walk(member);
          }
        }
        return out;
      }
      return value;
    };
    const redacted = walk(json);
    return changed ? JSON.stringify(redacted) : text;
  }

  /** Redact one HAR entry in place (Polly's `beforePersist`). */
  entry(entry: Entry): void {
    const { request, response } = entry;
    if (this.holdsNothingToReplace(entry)) {
      // What text() would give back unchanged is left as it is: only the headers that are
      // replaced whatever they hold, and the cookies, change.
      const registered = this.secrets.registeredCount;
      const requestHeaders = this.headers(request.headers, false);
      const responseHeaders = this.headers(response.headers, false);
      // Unless a bearer seen for the first time here became a secret: the rest of the entry was
      // searched without it, so it goes the long way (authorization() gives the same pseudonym twice).
      if (this.secrets.registeredCount === registered) {
        request.headers = requestHeaders;
        request.cookies = [];
        response.headers = responseHeaders;
        response.cookies = [];
        return;
      }
    }
    request.url = this.text(request.url);
    request.headers = this.headers(request.headers);
    request.cookies = [];
    request.queryString = request.queryString.map((q) => ({ ...q, name: this.text(q.name), value: this.queryValue(q.value) }));
    if (request.postData?.mimeType) request.postData.mimeType = this.text(request.postData.mimeType);
    if (request.postData?.text !== undefined) {
      const text = this.body(request.postData.text);
      if (text !== request.postData.text) {
        request.postData.text = text;
        request.bodySize = Buffer.byteLength(text);
        request.headers = fixContentLength(request.headers, request.bodySize);
      }
    }
    response.headers = this.headers(response.headers);
    response.cookies = [];
    // Polly copies Location and Content-Type into fields of their own.
    response.redirectURL = this.text(response.redirectURL);
    const content = response.content;
    if (content.mimeType) content.mimeType = this.text(content.mimeType);
    if (content.text !== undefined && content.text !== '') {
      const before = content.text;
      if (content.encoding === 'base64') {
        const bytes = this.bytes(Buffer.from(before, 'base64'));
        content.text = bytes.toString('base64');
        if (content.text !== before) content.size = bytes.length;
      } else {
        content.text = this.body(before);
        if (content.text !== before) content.size = Buffer.byteLength(content.text);
      }
      if (content.text !== before) {
        response.bodySize = content.size;
        response.headers = fixContentLength(response.headers, content.size);
      }
    }
  }

  /**
   * Whether every text of the entry that `text()` would see is given back unchanged: no known
   * secret in any spelling, no `"secret"` member, no --redact-field to apply, no base64 body, no
   * query member that is not a string. Most entries: they are searched once, all their texts
   * together, instead of text by text. A needle found across two texts only sends the entry the
   * long way; one inside a text is always found.
   */
  private holdsNothingToReplace(entry: Entry): boolean {
    const { request, response } = entry;
    if (this.fieldNames.size > 0 || response.content.encoding === 'base64') return false;
    const texts: string[] = [request.url, response.redirectURL];
    for (const q of request.queryString) {
      const value: unknown = q.value;
      if (typeof value !== 'string') return false;
      texts.push(q.name, value);
    }
    if (request.postData?.mimeType) texts.push(request.postData.mimeType);
    if (request.postData?.text !== undefined) texts.push(request.postData.text);
    if (response.content.mimeType) texts.push(response.content.mimeType);
    if (response.content.text !== undefined) texts.push(response.content.text);
    for (const headers of [request.headers, response.headers]) {
      for (const h of headers) {
        texts.push(h.name);
        // The values header() replaces whatever they hold are not text() 's.
        const lower = h.name.toLowerCase();
        if (lower !== 'authorization' && !this.headerNames.has(lower)) texts.push(h.value);
      }
    }
    const all = texts.join('\n');
    if (all.includes('"secret"') || all.includes(secretFieldPlaceholder)) return false;
    return this.textIndex().find(all) === undefined;
  }

  /** `checkText: false`: the entry holds nothing text() would replace (holdsNothingToReplace). */
  private headers(headers: Header[], checkText = true): Header[] {
    // Names too: a target may echo a secret anywhere, a header name included.
    return headers.map((h) => {
      const name = checkText ? this.text(h.name) : h.name;
      const value = checkText ? this.header(h.name, h.value) : this.structuralHeader(h.name, h.value);
      // Most headers hold nothing to redact: kept as they are, not copied (a proxy redacts every exchange).
      return name === h.name && value === h.value ? h : { ...h, name, value };
    });
  }
}

/** After a body changed length, its content-length must agree with it. */
function fixContentLength(headers: Header[], size: number): Header[] {
  return headers.map((h) => (h.name.toLowerCase() === 'content-length' ? { ...h, value: String(size) } : h));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
