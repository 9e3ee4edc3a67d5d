import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import { jsonConverterConfigDef, stringConverterConfigDef } from './converter-config-defs.js';
import { parseConverterConfig, upperChoice } from './converter-config-values.js';
import { jsonConverterSettings } from './json/json-converter.js';

describe('parseConverterConfig', () => {
  it('gives each key its definition’s default and sets converter.type from isKey', () => {
    const parsed = parseConverterConfig(jsonConverterConfigDef(), {}, true);
    expect(parsed.get('converter.type')).toBe('key');
    expect(parsed.getBoolean('schemas.enable')).toBe(true);
    expect(parsed.getNumber('schemas.cache.size')).toBe(1000);
    expect(parsed.getString('schema.content')).toBeNull();
    expect(
      parseConverterConfig(jsonConverterConfigDef(), { 'converter.type': 'key' }, false).get(
        'converter.type',
      ),
    ).toBe('value');
  });

  it('parses booleans and numbers a JSON config holds as Kafka parses their text', () => {
    const parsed = parseConverterConfig(
      jsonConverterConfigDef(),
      { 'schemas.enable': false, 'schemas.cache.size': 7 },
      false,
    );
    expect(parsed.getBoolean('schemas.enable')).toBe(false);
    expect(parsed.getNumber('schemas.cache.size')).toBe(7);
  });

  it('refuses a bad value with a ConfigException carrying Kafka’s message (REST answers 400)', () => {
    const attempt = () =>
      parseConverterConfig(stringConverterConfigDef(), { 'float.format': 'round' }, false);
    expect(attempt).toThrow(ConfigException);
    expect(attempt).toThrow(
      'Invalid value round for configuration float.format: String must be one of (case insensitive): LEGACY, SHORTEST',
    );
  });

  it('reads a case-insensitive choice in upper case', () => {
    const parsed = parseConverterConfig(jsonConverterConfigDef(), { 'decimal.format': 'numeric' }, false);
    expect(upperChoice(parsed, 'decimal.format')).toBe('NUMERIC');
  });

  it('has the JSON converter’s settings default to what its definition shows', () => {
    const def = jsonConverterConfigDef();
    const settings = jsonConverterSettings();
    expect(settings.schemasEnable).toBe(def.key('schemas.enable')?.defaultValue);
    expect(settings.schemasCacheSize).toBe(def.key('schemas.cache.size')?.defaultValue);
    expect(settings.decimalFormat).toBe(def.key('decimal.format')?.defaultValue);
    expect(settings.floatFormat).toBe(def.key('float.format')?.defaultValue);
    expect(settings.replaceNullWithDefault).toBe(def.key('replace.null.with.default')?.defaultValue);
  });
});
