import { HIDDEN } from '../config/config-types.js';

/**
 * Secret values the worker has seen (PASSWORD-typed connector values, resolved provider references
 * of secret keys). A secret can surface inside free text no key-based rule catches, such as a
 * database driver's error message that quotes a connection string; every log line, status trace
 * and DLQ header passes through {@link scrubKnownSecrets}. Values shorter than 4 characters are
 * not tracked: masking them would garble ordinary text.
 */
const secrets = new Set<string>();
const MIN_LENGTH = 4;

export function rememberSecret(value: string | null | undefined): void {
  if (typeof value === 'string' && value.length >= MIN_LENGTH) secrets.add(value);
}

/** Replaces every known secret in `text`, raw or JSON-escaped (log lines are JSON). */
export function scrubKnownSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, HIDDEN);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.replaceAll(escaped, HIDDEN);
  }
  return out;
}

/** The secrets remembered so far, to hand to a task thread (which has its own module state). */
export function knownSecrets(): string[] {
  return [...secrets];
}
