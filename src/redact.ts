// The one place where secrets are removed from anything the tool shows or stores. Every
// bearer token the run uses and every `secret` a CreateAccessToken returns is registered here
// before the exchange that carries it is turned into evidence.

export class SecretRedactor {
  private readonly secrets = new Map<string, string>();

  /** Register a secret and the placeholder that replaces it, e.g. "<bearer:owner>". */
  add(secret: string | undefined, placeholder: string): void {
    // Very short values would redact ordinary text; real bearers and secrets are long.
    if (!secret || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.set(secret, placeholder);
  }

  /** Every registered secret, for tests and for a last scan before writing files. */
  knownSecrets(): string[] {
    return [...this.secrets.keys()];
  }

  text(value: string): string {
    let out = value;
    // Longest first, so that a secret containing another is replaced whole.
    const ordered = [...this.secrets.entries()].sort((a, b) => b[0].length - a[0].length);
    for (const [secret, placeholder] of ordered) {
      if (out.includes(secret)) out = out.split(secret).join(placeholder);
    }
    return redactSecretField(out);
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = name.toLowerCase() === 'authorization' ? this.authorization(value) : this.text(value);
    }
    return out;
  }

  private authorization(value: string): string {
    const replaced = this.text(value);
    if (replaced !== value) return replaced;
    // Already a placeholder (a recording's "Bearer <identity-1>"): nothing secret is left in it.
    if ([...this.secrets.values()].some((placeholder) => value.endsWith(` ${placeholder}`))) return value;
    // An unknown credential is still a credential: keep only its scheme.
    const scheme = value.split(' ')[0] ?? '';
    return value.includes(' ') ? `${scheme} <redacted>` : '<redacted>';
  }
}

/**
 * The `secret` member of a CreateAccessToken answer is sensitive whatever its value, even one
 * the redactor has not been told about (a truncated body, a second create in a racing answer).
 */
export function redactSecretField(text: string): string {
  if (!text.includes('"secret"')) return text;
  return text.replace(/("secret"\s*:\s*)"(?:[^"\\]|\\.)*"?/g, '$1"<redacted:secret>"');
}
