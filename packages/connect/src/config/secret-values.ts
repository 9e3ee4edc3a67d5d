import { hasReference } from '../config-providers/config-transformer.js';
import { isSecretKey, redactInlineSecrets } from '../logging/redaction.js';
import { isSecretClientOverride } from './client-overrides.js';
import type { ConfigDef } from './config-def.js';
import { HIDDEN } from './config-types.js';

/**
 * Which keys are PASSWORD-typed: the connector's ConfigDef (the worker), or the names a validate
 * answer declares PASSWORD (the operator console, which sees Connect only through REST).
 */
export type PasswordKeys = ConfigDef | ReadonlySet<string>;

function isDeclaredPassword(key: string, declared: PasswordKeys | undefined): boolean {
  if (declared === undefined) return false;
  return declared instanceof Set ? declared.has(key) : (declared as ConfigDef).key(key)?.type === 'PASSWORD';
}

/** Whether a key holds a secret by its name alone: named like one, or a client override of a password. */
export function isSecretName(key: string): boolean {
  return isSecretKey(key) || isSecretClientOverride(key);
}

/** Keys of `config` holding secrets: PASSWORD-typed (see {@link PasswordKeys}), or named like one. */
export function secretKeys(config: Readonly<Record<string, string>>, declared?: PasswordKeys): string[] {
  return Object.keys(config).filter((key) => isDeclaredPassword(key, declared) || isSecretName(key));
}

/**
 * A connector or task config as REST shows it: secret values replaced by `[hidden]`. A reference
 * such as `${file:/etc/connect/db.properties:password}` is no secret and stays visible, so an
 * operator can see where the value comes from.
 */
export function maskSecrets(
  config: Readonly<Record<string, string>>,
  declared?: PasswordKeys,
): Record<string, string> {
  const out = { ...config };
  const secret = new Set(secretKeys(config, declared));
  for (const [key, value] of Object.entries(out)) {
    if (value === '' || hasReference(value)) continue;
    // A password inside a URL (`jdbc:mysql://h/db?password=...`) is hidden too, the rest shown.
    out[key] = secret.has(key) ? HIDDEN : redactInlineSecrets(value);
  }
  return out;
}

/**
 * A config written back after a read: `[hidden]` in a secret key means "unchanged", so
 * GET-edit-PUT keeps the stored secret. `[hidden]` with nothing stored is refused by the caller.
 */
export function restoreHiddenSecrets(
  next: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> | undefined,
  declared?: PasswordKeys,
): { config: Record<string, string>; unresolved: string[] } {
  const out = { ...next };
  const unresolved: string[] = [];
  for (const key of secretKeys(next, declared)) {
    if (out[key] !== HIDDEN) continue;
    const previous = stored?.[key];
    if (previous !== undefined && previous !== HIDDEN) out[key] = previous;
    else unresolved.push(key);
  }
  // A URL read back with its inline password masked: the stored URL, if that is what was read.
  for (const [key, value] of Object.entries(out)) {
    const previous = stored?.[key];
    if (!value.includes(HIDDEN) || previous === undefined || previous === value) continue;
    if (redactInlineSecrets(previous) === value) out[key] = previous;
  }
  return { config: out, unresolved };
}
