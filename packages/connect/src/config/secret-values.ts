import { hasReference } from '../config-providers/config-transformer.js';
import { isSecretKey } from '../logging/redaction.js';
import type { ConfigDef } from './config-def.js';
import { HIDDEN } from './config-types.js';

/** Keys of `config` holding secrets: PASSWORD-typed in the connector's ConfigDef, or named like one. */
export function secretKeys(config: Readonly<Record<string, string>>, connectorDef?: ConfigDef): string[] {
  return Object.keys(config).filter((key) => connectorDef?.key(key)?.type === 'PASSWORD' || isSecretKey(key));
}

/**
 * A connector or task config as REST shows it: secret values replaced by `[hidden]`. A reference
 * such as `${file:/etc/connect/db.properties:password}` is no secret and stays visible, so an
 * operator can see where the value comes from.
 */
export function maskSecrets(
  config: Readonly<Record<string, string>>,
  connectorDef?: ConfigDef,
): Record<string, string> {
  const out = { ...config };
  for (const key of secretKeys(config, connectorDef)) {
    const value = out[key];
    if (value !== undefined && value !== '' && !hasReference(value)) out[key] = HIDDEN;
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
  connectorDef?: ConfigDef,
): { config: Record<string, string>; unresolved: string[] } {
  const out = { ...next };
  const unresolved: string[] = [];
  for (const key of secretKeys(next, connectorDef)) {
    if (out[key] !== HIDDEN) continue;
    const previous = stored?.[key];
    if (previous !== undefined && previous !== HIDDEN) out[key] = previous;
    else unresolved.push(key);
  }
  return { config: out, unresolved };
}
