/** What the console shows instead of a secret; sent back unchanged, it means "keep the stored value". */
export const MASK = '********';

/** Setting names that hold secrets whatever their declared type (as Connect's own redaction guesses). */
const SECRET_NAME =
  /(^|[._-])(password|passwd|pwd|secret|token|credentials?|api[._-]?key)([._-]|$)|sasl\.jaas\.config$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A config with every secret (declared PASSWORD, or named like one) replaced by MASK. */
export function maskConfig(
  config: Record<string, string>,
  passwordKeys: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const secret = passwordKeys.has(key) || isSecretName(key);
    // Externalized secrets (${file:...}) are references, not secrets: they are shown.
    masked[key] = secret && value !== '' && !/^\$\{[^}]+\}$/.test(value) ? MASK : value;
  }
  return masked;
}

/**
 * The config to send to Connect when the browser sends back one it edited: a value still equal to
 * MASK is the stored secret. A masked key with no stored value is refused (it would store MASK).
 */
export function unmaskConfig(
  edited: Record<string, string>,
  stored: Record<string, string> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(edited)) {
    if (value === MASK) {
      const original = stored?.[key];
      if (original === undefined) throw new Error(`'${key}' is masked but the connector has no stored value`);
      result[key] = original;
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** Connect's validate answer with the values of secrets masked (definitions and errors untouched). */
export function maskValidation(
  result: ValidationResult,
  passwordKeys: ReadonlySet<string>,
): ValidationResult {
  return {
    ...result,
    configs: result.configs.map((c) => {
      const secret =
        c.definition.type === 'PASSWORD' || passwordKeys.has(c.value.name) || isSecretName(c.value.name);
      const v = c.value.value;
      return secret && v !== null && v !== '' ? { ...c, value: { ...c.value, value: MASK } } : c;
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
