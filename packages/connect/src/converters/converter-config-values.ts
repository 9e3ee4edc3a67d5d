import { badRequest } from '../errors/connect-error.js';
import type { ConverterConfig } from './converter.js';

/**
 * Typed reads of converter settings with Kafka's `ConfigDef` rules and messages: booleans are
 * `true`/`false` in any case, ints decimal integers, choices case-insensitive. A bad value is a
 * BAD_REQUEST `ConnectError`.
 */
export function booleanSetting(config: ConverterConfig, key: string, defaultValue: boolean): boolean {
  const value = config[key];
  if (value === undefined) return defaultValue;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw badRequest(
    `Invalid value ${String(value)} for configuration ${key}: Expected value to be either true or false`,
  );
}

export function intSetting(config: ConverterConfig, key: string, defaultValue: number): number {
  const value = config[key];
  if (value === undefined) return defaultValue;
  const text = String(value).trim();
  const number = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < -(2 ** 31) || number >= 2 ** 31) {
    throw badRequest(`Invalid value ${String(value)} for configuration ${key}: Not a number of type INT`);
  }
  return number;
}

/** One of `choices` (upper case), matched case-insensitively; returned in upper case. */
export function choiceSetting<T extends string>(
  config: ConverterConfig,
  key: string,
  choices: readonly T[],
  defaultValue: T,
): T {
  const value = config[key];
  if (value === undefined) return defaultValue;
  const upper = String(value).trim().toUpperCase();
  const found = choices.find((choice) => choice === upper);
  if (found === undefined) {
    throw badRequest(
      `Invalid value ${String(value)} for configuration ${key}: String must be one of (case insensitive): ${choices.join(', ')}`,
    );
  }
  return found;
}

export function stringSetting(config: ConverterConfig, key: string, defaultValue: string): string {
  const value = config[key];
  return value === undefined ? defaultValue : String(value);
}
