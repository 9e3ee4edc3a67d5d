import { ConfigException, type ConfigType, type ConfigValue, HIDDEN, Password } from './config-types.js';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

const integerRanges: Record<'SHORT' | 'INT' | 'LONG', [bigint, bigint]> = {
  SHORT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  LONG: [-(2n ** 63n), 2n ** 63n - 1n],
};

function parseInteger(name: string, raw: unknown, trimmed: string, type: 'SHORT' | 'INT' | 'LONG'): number {
  const [min, max] = integerRanges[type];
  if (INTEGER.test(trimmed)) {
    const big = BigInt(trimmed);
    if (big >= min && big <= max) return Number(big);
  }
  throw ConfigException.invalid(name, raw, `Not a number of type ${type}`);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Parses a raw value (a string from a config map, or an already-typed default) into the key's
 * type, with Kafka's rules: strings are trimmed, booleans are case-insensitive, lists split on
 * commas with surrounding blanks, an empty list string is an empty list. Null stays null.
 */
export function parseType(name: string, value: unknown, type: ConfigType): ConfigValue {
  if (value === null || value === undefined) return null;
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (trimmed?.toLowerCase() === 'true') return true;
      if (trimmed?.toLowerCase() === 'false') return false;
      throw ConfigException.invalid(name, value, 'Expected value to be either true or false');
    case 'PASSWORD':
      if (value instanceof Password) return value;
      if (trimmed !== undefined) return new Password(trimmed);
      throw ConfigException.invalid(
        name,
        value,
        `Expected value to be a string, but it was a ${typeName(value)}`,
      );
    case 'STRING':
    case 'CLASS':
      if (trimmed !== undefined) return trimmed;
      throw ConfigException.invalid(
        name,
        value,
        `Expected value to be a string, but it was a ${typeName(value)}`,
      );
    case 'SHORT':
    case 'INT':
    case 'LONG':
      if (typeof value === 'number' && Number.isInteger(value))
        return parseInteger(name, value, String(value), type);
      if (trimmed !== undefined) return parseInteger(name, value, trimmed, type);
      throw ConfigException.invalid(
        name,
        value,
        `Expected value to be a ${type.toLowerCase()}, but it was a ${typeName(value)}`,
      );
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      if (trimmed !== undefined && DECIMAL.test(trimmed)) return Number(trimmed.replace(/[fFdD]$/, ''));
      if (trimmed !== undefined) throw ConfigException.invalid(name, value, 'Not a number of type DOUBLE');
      throw ConfigException.invalid(
        name,
        value,
        `Expected value to be a double, but it was a ${typeName(value)}`,
      );
    case 'LIST':
      if (Array.isArray(value)) return value.map(String);
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
      throw ConfigException.invalid(name, value, 'Expected a comma separated list.');
  }
}

/** Java's `Double.toString` for the values configs use: `1.0`, `0.5`, `1.0E21`. */
function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return `${value}.0`;
  const text = String(value);
  if (!text.includes('e')) return text;
  const [mantissa = '', exponent = ''] = text.split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** A parsed value back to text, as Connect shows it (`ConfigDef.convertToString`); secrets hidden. */
export function convertToString(value: ConfigValue | undefined, type: ConfigType | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Password || type === 'PASSWORD') return HIDDEN;
  if (Array.isArray(value)) return value.join(',');
  if (type === 'DOUBLE' && typeof value === 'number') return javaDouble(value);
  return String(value);
}
