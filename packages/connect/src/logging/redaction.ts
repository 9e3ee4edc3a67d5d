/**
 * Keeps secrets out of log lines. Connect hides PASSWORD-typed config values as `[hidden]`; a log
 * line can carry a whole connector config (or a JDBC URL with `password=` in it), so the check here
 * goes by key name and by URL shape, on the serialized line, wherever the value sits.
 */
import { HIDDEN } from '../config/config-types.js';
import { scrubKnownSecrets } from './known-secrets.js';

/** Config keys whose values are secrets: `connection.password`, `sasl.jaas.config`, `api.secret`... */
export const DEFAULT_SECRET_KEY_PATTERN =
  /password|passwd|pwd|secret|credential|token|jaas\.config|api[._-]?key/i;

export function isSecretKey(key: string, pattern: RegExp = DEFAULT_SECRET_KEY_PATTERN): boolean {
  return pattern.test(key);
}

/** A copy of a config map with every secret-looking value replaced by `[hidden]`. */
export function redactConfig<T extends Record<string, unknown>>(
  config: T,
  pattern: RegExp = DEFAULT_SECRET_KEY_PATTERN,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = value !== null && value !== undefined && isSecretKey(key, pattern) ? HIDDEN : value;
  }
  return out;
}

// `password=...` inside URLs and connection strings (JDBC, ODBC, query strings).
const INLINE_SECRET = /\b(password|passwd|pwd|secret)=([^&;\s"\\]*)/gi;
// `scheme://user:secret@host`.
const URL_USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"\\]+):([^@/\s"\\]+)@/gi;

/** Masks passwords written into URLs and connection strings (`?password=`, `user:secret@`). */
export function redactInlineSecrets(text: string): string {
  return text.replace(INLINE_SECRET, `$1=${HIDDEN}`).replace(URL_USER_INFO, `$1:${HIDDEN}@`);
}

/** Masks secrets embedded in free text (messages, stack traces, URLs). */
export function redactText(text: string): string {
  return redactInlineSecrets(scrubKnownSecrets(text));
}

// A JSON member: "key": "string" | number | true | false | null.
const JSON_MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false)/g;

/**
 * Masks secrets in one serialized JSON log line: the value of every member whose key looks like a
 * secret, then secrets inside any text. Used as pino's `streamWrite` hook, so it sees the final line
 * (message, bindings, error stacks and objects alike).
 */
export function redactJsonLine(line: string, pattern: RegExp = DEFAULT_SECRET_KEY_PATTERN): string {
  const members = line.replace(JSON_MEMBER, (whole, key: string, colon: string) =>
    pattern.test(key) ? `"${key}"${colon}"${HIDDEN}"` : whole,
  );
  return redactText(members);
}
