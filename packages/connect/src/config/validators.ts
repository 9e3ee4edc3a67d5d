import { ConfigException, type ConfigValue } from './config-types.js';

/**
 * Checks one parsed value; throws a {@link ConfigException} describing the problem. `description`
 * is what documentation lists as the valid values.
 */
export interface Validator {
  ensureValid(name: string, value: ConfigValue): void;
  readonly description: string;
}

function validator(description: string, ensureValid: (name: string, value: ConfigValue) => void): Validator {
  return { description, ensureValid };
}

function range(min: number | undefined, max: number | undefined): Validator {
  const description =
    min === undefined ? `[...,${max}]` : max === undefined ? `[${min},...]` : `[${min},...,${max}]`;
  return validator(description, (name, value) => {
    if (value === null) throw ConfigException.invalid(name, null, 'Value must be non-null');
    const n = Number(value);
    if (min !== undefined && n < min)
      throw ConfigException.invalid(name, value, `Value must be at least ${min}`);
    if (max !== undefined && n > max)
      throw ConfigException.invalid(name, value, `Value must be no more than ${max}`);
  });
}

/** A number no smaller than `min`. */
export function atLeast(min: number): Validator {
  return range(min, undefined);
}

/** A number within `[min, max]`. */
export function between(min: number, max: number): Validator {
  return range(min, max);
}

/** One of the given strings, exactly. */
export function validString(...allowed: string[]): Validator {
  return validator(`[${allowed.join(', ')}]`, (name, value) => {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw ConfigException.invalid(name, value, `String must be one of: ${allowed.join(', ')}`);
    }
  });
}

/** One of the given strings, ignoring case. */
export function caseInsensitiveValidString(...allowed: string[]): Validator {
  const upper = allowed.map((s) => s.toUpperCase());
  return validator(`(case insensitive) [${upper.join(', ')}]`, (name, value) => {
    if (typeof value !== 'string' || !upper.includes(value.toUpperCase())) {
      throw ConfigException.invalid(
        name,
        value,
        `String must be one of (case insensitive): ${upper.join(', ')}`,
      );
    }
  });
}

/**
 * A list without duplicates or empty entries, each entry among `allowed` when that is given
 * (Kafka 4.x `ValidList`).
 */
export function validList(allowed: string[] = [], options: { emptyAllowed?: boolean } = {}): Validator {
  const emptyAllowed = options.emptyAllowed ?? true;
  return validator(allowed.length > 0 ? `[${allowed.join(', ')}]` : '', (name, value) => {
    if (value === null) throw new ConfigException(`Configuration '${name}' values must not be null.`);
    const values = Array.isArray(value) ? value : [String(value)];
    if (!emptyAllowed && values.length === 0) {
      const valid = allowed.length > 0 ? `[${allowed.join(', ')}]` : 'any non-empty value';
      throw new ConfigException(`Configuration '${name}' must not be empty. Valid values include: ${valid}`);
    }
    if (new Set(values).size !== values.length) {
      throw new ConfigException(`Configuration '${name}' values must not be duplicated.`);
    }
    for (const entry of values) {
      if (entry === '') throw new ConfigException(`Configuration '${name}' values must not be empty.`);
      if (allowed.length > 0 && !allowed.includes(entry)) {
        throw ConfigException.invalid(name, entry, `String must be one of: ${allowed.join(', ')}`);
      }
    }
  });
}

export function nonNull(): Validator {
  return validator('non-null string', (name, value) => {
    if (value === null) throw ConfigException.invalid(name, 'null', 'entry must be non null');
  });
}

export function nonEmptyString(): Validator {
  return validator('non-empty string', (name, value) => {
    if (value === '') throw ConfigException.invalid(name, value, 'String must be non-empty');
  });
}

/** Java's `Character.isISOControl`: C0 controls and DEL through the C1 controls. */
function isIsoControl(codePoint: number): boolean {
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/** Null passes (a missing value is the required-check's business); empty or control chars do not. */
export function nonEmptyStringWithoutControlChars(): Validator {
  return validator('non-empty string without ISO control characters', (name, value) => {
    if (value === null) return;
    const s = String(value);
    if (s === '') throw ConfigException.invalid(name, value, 'String may not be empty');
    const found = [...s].map((c) => c.codePointAt(0) ?? 0).filter(isIsoControl);
    if (found.length > 0) {
      throw ConfigException.invalid(
        name,
        value,
        `String may not contain control sequences but had the following ASCII chars: ${found.join(', ')}`,
      );
    }
  });
}

/** A regular expression that compiles (empty or null pass). */
export function regex(): Validator {
  return validator('valid regex', (name, value) => {
    if (value === null || value === '') return;
    try {
      new RegExp(String(value));
    } catch (error) {
      throw ConfigException.invalid(name, value, (error as Error).message);
    }
  });
}

/** Runs each validator in turn; the first problem wins, as with Kafka's `CompositeValidator`. */
export function composite(...validators: Validator[]): Validator {
  return validator(validators.map((v) => v.description).join(', '), (name, value) => {
    for (const v of validators) v.ensureValid(name, value);
  });
}

/** A one-off rule: `check` returns a reason when the value is wrong, or nothing when it is fine. */
export function lambda(description: string, check: (value: ConfigValue) => string | undefined): Validator {
  return validator(description, (name, value) => {
    const reason = check(value);
    if (reason !== undefined) throw ConfigException.invalid(name, value, reason);
  });
}
