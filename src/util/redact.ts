/**
 * Credentials must never reach any output. Two layers: URLs are redacted where they are described,
 * and every known secret string is scrubbed from the whole report and every message as a last line of defence.
 */
import { showControls } from './control-chars.js';

const MASK = '***';

/**
 * Schemes whose user part alone names an account (a Redis ACL user, a PostgreSQL role). Everywhere else
 * a user part with no password is itself the credential (a NATS token, an HTTP token sent as Basic
 * credentials), so it is masked like a password.
 */
const ACCOUNT_SCHEMES = new Set(['redis:', 'rediss:', 'postgres:', 'postgresql:']);
const userIsToken = (u: URL) => Boolean(u.username) && !u.password && !ACCOUNT_SCHEMES.has(u.protocol);

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remember a secret; values too short to be meaningful are ignored to avoid masking ordinary text. */
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < 3) return;
    this.secrets.add(secret);
    try {
      const enc = encodeURIComponent(secret);
      if (enc !== secret) this.secrets.add(enc);
    } catch {
      // unpaired surrogates cannot be URI-encoded; the raw form is still registered
    }
  }

  /** Registers the userinfo password of a URL, if any; from the text itself when the URL does not parse. */
  addFromUrl(url: string): void {
    const parsed = tryParseUrl(url);
    if (!parsed) {
      const m = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:(\S*)@/i.exec(url);
      if (m) this.add(m[1]);
      return;
    }
    if (parsed.password) {
      this.add(safeDecode(parsed.password));
      this.add(parsed.password);
    }
    if (userIsToken(parsed)) {
      this.add(safeDecode(parsed.username));
      this.add(parsed.username);
    }
    const token = parsed.searchParams.get('password');
    if (token) this.add(token);
  }

  scrub(text: string): string {
    let out = redactUrlsInText(text);
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    return out;
  }

  /**
   * Deep copy of a JSON-like value with every string scrubbed, and its control characters shown rather
   * than obeyed (util/control-chars.ts): the report model, whatever its strings came from.
   */
  scrubDeep<T>(value: T): T {
    if (typeof value === 'string') return showControls(this.scrub(value)) as T;
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.scrubDeep(v);
      return out as T;
    }
    return value;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function tryParseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `redis://user:pw@host` -> `redis://user:***@host`; also masks `password=` query parameters. */
export function redactUrl(url: string): string {
  const parsed = tryParseUrl(url);
  if (!parsed) return redactUrlsInText(url);
  const token = userIsToken(parsed);
  if (!parsed.password && !token && !parsed.searchParams.has('password')) return url;
  if (parsed.password) parsed.password = MASK;
  if (token) parsed.username = MASK;
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
  return parsed.toString().replace(encodeURIComponent(MASK), MASK).replace('%2A%2A%2A', MASK);
}

/**
 * Masks the password of anything that looks like `scheme://user:password@` inside free text, even a URL
 * that does not parse: the password runs to the last `@` of the word, so one holding `/` or `@` (which
 * should have been percent-encoded) is still masked whole. Masking too much is harmless; too little is not.
 */
export function redactUrlsInText(text: string): string {
  return (
    text
      // A reference to a variable ($REDIS_PASSWORD, ${REDIS_PASSWORD}) is no secret: help texts and examples keep it.
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>`]*:)([^\s"'<>`]*)@/gi, (_m, head: string, pw: string) =>
        /^\$(?:[A-Z_][A-Z0-9_]*|\{[A-Z_][A-Z0-9_]*\})$/.test(pw) ? `${head}${pw}@` : `${head}${MASK}@`,
      )
      // A token in the user position (nats://TOKEN@host), where a user part alone is a credential.
      .replace(/\b((?!rediss?:|postgres(?:ql)?:)[a-z][a-z0-9+.-]*:\/\/)([^\s:/@"'<>`*]+)@/gi, `$1${MASK}@`)
      .replace(/([?&](?:password|passwd|pwd|token|access_token|api_key|apikey|secret)=)[^&\s]+/gi, `$1${MASK}`)
  );
}

/** Header names whose values are credentials. */
export const SECRET_HEADER = /authorization|cookie|token|api[-_]?key|secret|password/i;

/**
 * Registers every credential found anywhere in a config-like value: URL passwords (and password query
 * parameters) in any string, and the values of secret-looking headers, wherever they are.
 */
export function registerSecrets(value: unknown, redactor: Redactor, key = ''): void {
  if (typeof value === 'string') {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) redactor.addFromUrl(value);
    if (SECRET_HEADER.test(key)) redactor.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) registerSecrets(v, redactor);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) registerSecrets(v, redactor, k);
  }
}

/**
 * Every secret this process has seen: config variables with secret names, URL passwords, secret
 * headers. main.ts passes every byte written to stdout and stderr through it, whatever wrote them.
 */
export const SECRETS = new Redactor();
