import { HIDDEN, isSecretName, maskSecrets, restoreHiddenSecrets } from '@msa-sync/connect/secrets';

// The worker's own secret rules (@msa-sync/connect/secrets): the console hides what msa-sync's
// REST API hides, with the same marker, also in front of an Apache worker that shows secrets.

/** What the console shows instead of a secret; sent back unchanged, it means "keep the stored value". */
export const MASK = HIDDEN;

/** Setting names that hold secrets whatever their declared type: the worker's rule. */
export { isSecretName };

/** A config with every secret (declared PASSWORD, or named like one) replaced by MASK. */
export function maskConfig(
  config: Record<string, string>,
  passwordKeys: ReadonlySet<string> = new Set(),
): Record<string, string> {
  // Externalized secrets (${file:...}) are references, not secrets: they are shown. A URL with a
  // password in it (a JDBC URL's password= or user:password@) is shown with it hidden.
  return maskSecrets(config, passwordKeys);
}

/**
 * The config to send to Connect when the browser sends back one it edited: a secret still equal to
 * MASK is the stored secret. A masked key with nothing stored is refused (it would store MASK);
 * one whose stored value is MASK too (an msa-sync worker hides it) goes as it is, and the worker
 * keeps its stored secret.
 */
export function unmaskConfig(
  edited: Record<string, string>,
  stored: Record<string, string> | undefined,
  passwordKeys: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const { config, unresolved } = restoreHiddenSecrets(edited, stored, passwordKeys);
  for (const key of unresolved) {
    if (stored?.[key] === undefined)
      throw new Error(`'${key}' is masked but the connector has no stored value`);
  }
  return config;
}

/** The secret values of a config (declared PASSWORD or named like a secret), longest first. */
export function secretValues(config: Record<string, string>, passwordKeys: ReadonlySet<string>): string[] {
  const values = Object.entries(config)
    .filter(([key, value]) => value.length >= 3 && (passwordKeys.has(key) || isSecretName(key)))
    .map(([, value]) => value);
  // Passwords inside URLs, as redactUrl finds them.
  for (const value of Object.values(config)) {
    for (const m of value.matchAll(/[?&;](?:password|pwd)=([^&;]*)/gi))
      if ((m[1] ?? '').length >= 3) values.push(m[1] ?? '');
    const inline = /\/\/[^:/@]+:([^@/]*)@/.exec(value)?.[1];
    if (inline && inline.length >= 3) values.push(inline);
  }
  return values.sort((a, b) => b.length - a.length);
}

/** Text (an error message from Connect) with every secret value in it replaced by MASK. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(MASK);
  return result;
}

/**
 * Connect's validate answer with the values of secrets masked, and any secret of the config that
 * was validated masked in the error messages too (a message may quote the value it refuses).
 */
export function maskValidation(
  result: ValidationResult,
  passwordKeys: ReadonlySet<string>,
  validated: Record<string, string> = {},
): ValidationResult {
  const declared = new Set(passwordKeys);
  for (const c of result.configs) if (c.definition.type === 'PASSWORD') declared.add(c.value.name);
  const secrets = secretValues(validated, declared);
  return {
    ...result,
    configs: result.configs.map((c) => {
      const secret = declared.has(c.value.name) || isSecretName(c.value.name);
      const v = c.value.value;
      const errors = c.value.errors.map((e) => scrub(e, secrets));
      return { ...c, value: { ...c.value, value: secret && v !== null && v !== '' ? MASK : v, errors } };
    }),
  };
}

export interface ConfigDefinition {
  name: string;
  type: string;
  required?: boolean;
  default_value: string | null;
  importance?: string;
  documentation?: string;
  group?: string | null;
  order?: number;
  width?: string;
  display_name?: string;
  dependents?: string[];
}

export interface ValidationResult {
  name: string;
  error_count: number;
  groups: string[];
  configs: {
    definition: ConfigDefinition;
    value: {
      name: string;
      value: string | null;
      recommended_values: string[];
      errors: string[];
      visible: boolean;
    };
  }[];
}
