/** The value types a config key can declare, as Kafka's `ConfigDef.Type` names them. */
export type ConfigType =
  | 'BOOLEAN'
  | 'STRING'
  | 'INT'
  | 'SHORT'
  | 'LONG'
  | 'DOUBLE'
  | 'LIST'
  | 'CLASS'
  | 'PASSWORD';

export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** How wide an input a UI should give the value. */
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** What every output (validation answers, error messages, logs) shows instead of a secret. */
export const HIDDEN = '[hidden]';

/** A PASSWORD value: prints as `[hidden]` everywhere; `value()` is the only way to the secret. */
export class Password {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  value(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  equals(other: unknown): boolean {
    return other instanceof Password && other.#value === this.#value;
  }
}

/**
 * A parsed config value. INT, SHORT, LONG and DOUBLE are numbers (LONG beyond 2^53 loses precision);
 * LIST is a string array; CLASS is the class name.
 */
export type ConfigValue = string | number | boolean | string[] | Password | null;

/** How a value reads inside a message, as Java's `String.valueOf` would print it. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(displayValue).join(', ')}]`;
  return String(value);
}

/** A config problem; the message reads as Kafka's `ConfigException` does. */
export class ConfigException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigException';
  }

  /** `Invalid value <value> for configuration <name>: <reason>` */
  static invalid(name: string, value: unknown, reason?: string): ConfigException {
    const suffix = reason === undefined ? '' : `: ${reason}`;
    return new ConfigException(`Invalid value ${displayValue(value)} for configuration ${name}${suffix}`);
  }

  static missing(name: string): ConfigException {
    return new ConfigException(`Missing required configuration "${name}" which has no default value.`);
  }
}
