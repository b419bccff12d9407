// The registry of secrets: every bearer token the run uses and every `secret` a
// CreateAccessToken returns is registered here, with the placeholder that stands for it, before
// the exchange that carries it becomes evidence, a report or a recording
// (recording-redaction.ts applies the same registry to HAR entries).
import { redactedValue, secretFieldPlaceholder } from './placeholders.js';
import { SecretIndex } from './secret-index.js';

/** The ways a secret can be written in text: raw, JSON-escaped, percent-encoded. */
export function spellings(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

export class SecretRedactor {
  /** Every spelling of every secret with its placeholder, found in one pass whatever their number. */
  private readonly secrets = new SecretIndex<string>();
  /** The same, in the order they were registered, so a reader can take just the new ones. */
  private readonly order: string[] = [];
  private readonly placeholders = new Set<string>();
  /**
   * Credentials the index cannot answer for: too short for it, or registered again with another
   * placeholder (the last one counts for an exact match, as it always did). Every other
   * credential's placeholder is the index's: a proxy learns tens of thousands of secrets.
   */
  private readonly credentials = new Map<string, string>();

  /** Register a secret and the placeholder that replaces it, e.g. "<identity-1>". */
  add(secret: string | undefined, placeholder: string): void {
    if (!secret) return;
    // Very short values would redact ordinary text; real bearers and secrets are long.
    if (secret.length < 4 || this.secrets.has(secret)) {
      if (this.placeholderOf(secret) !== placeholder) this.credentials.set(secret, placeholder);
      return;
    }
    this.placeholders.add(placeholder);
    // A target may echo a secret inside a JSON string or a URL: those spellings go too.
    for (const spelling of spellings(secret)) {
      if (this.secrets.has(spelling)) continue;
      this.secrets.add(spelling, placeholder);
      this.order.push(spelling);
    }
  }

  /** The placeholder of exactly this registered secret, however short. */
  placeholderOf(secret: string): string | undefined {
    return this.credentials.get(secret) ?? this.secrets.get(secret);
  }

  /** Every registered secret, for tests and for a last scan before writing files. */
  knownSecrets(): string[] {
    return [...this.order];
  }

  /** How many secrets (spellings included) are registered: `registeredSince(n)` gives those after the n-th. */
  get registeredCount(): number {
    return this.order.length;
  }

  /** The secrets registered after the first `from`, with their placeholders, in order. */
  registeredSince(from: number): ReadonlyArray<readonly [secret: string, placeholder: string]> {
    return this.order.slice(from).map((secret) => [secret, this.secrets.get(secret)!] as const);
  }

  text(value: string): string {
    // Longest first at every position, so that a secret containing another is replaced whole.
    return redactSecretField(this.secrets.replace(value, (placeholder) => placeholder));
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      // Names too: a target may echo a secret anywhere, a header name included.
      out[this.text(name)] = name.toLowerCase() === 'authorization' ? this.authorization(value) : this.text(value);
    }
    return out;
  }

  private authorization(value: string): string {
    const credential = /^\s*\S+\s+(.+?)\s*$/.exec(value)?.[1];
    const exact = credential === undefined ? undefined : this.placeholderOf(credential);
    if (exact !== undefined) return `${value.trim().split(/\s+/)[0]} ${exact}`;
    const replaced = this.text(value);
    if (replaced !== value) return replaced;
    // Already a placeholder (a recording's "Bearer <identity-1>"): nothing secret is left in it.
    for (const placeholder of this.placeholders) if (value.endsWith(` ${placeholder}`)) return value;
    // An unknown credential is still a credential: keep only its scheme.
    const scheme = value.split(' ')[0] ?? '';
    return value.includes(' ') ? `${scheme} ${redactedValue}` : redactedValue;
  }
}

/**
 * The `secret` member of a CreateAccessToken answer is sensitive whatever its value, even one
 * the redactor has not been told about (a truncated body, a second create in a racing answer).
 */
export function redactSecretField(text: string): string {
  if (!text.includes('"secret"')) return text;
  return text.replace(/("secret"\s*:\s*)"(?:[^"\\]|\\.)*"?/g, `$1"${secretFieldPlaceholder}"`);
}
