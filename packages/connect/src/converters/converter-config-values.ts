import type { ConfigDef, ParsedConfig } from '../config/config-def.js';
import type { ConverterConfig } from './converter.js';
import { CONVERTER_TYPE_CONFIG } from './converter-config-defs.js';

/**
 * A converter's settings parsed with its ConfigDef (converter-config-defs.ts), Kafka's rules and
 * messages included. `converter.type` is set from `isKey`, as Apache's `Converter.configure(configs,
 * isKey)` sets it. A bad value throws the definition's `ConfigException` with Kafka's `Invalid value
 * ...` text (REST answers it with 400, rest/rest-errors.ts).
 */
export function parseConverterConfig(def: ConfigDef, config: ConverterConfig, isKey: boolean): ParsedConfig {
  // JSON configs may hold booleans and numbers; the definitions parse text, as Kafka's do.
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (value !== undefined) props[key] = String(value);
  if (def.key(CONVERTER_TYPE_CONFIG)) props[CONVERTER_TYPE_CONFIG] = isKey ? 'key' : 'value';
  return def.parse(props);
}

/** A case-insensitive choice, as the definition's validator accepted it, in upper case. */
export function upperChoice<T extends string>(parsed: ParsedConfig, key: string): T {
  return (parsed.getString(key) ?? '').toUpperCase() as T;
}
