import { ConfigDef } from '../config/config-def.js';
import { caseInsensitiveValidString, validString } from '../config/validators.js';

/**
 * The settings of each converter, as Apache Connect 4.x's `Converter.config()` /
 * `HeaderConverter.config()` define them (ConverterConfig, JsonConverterConfig,
 * StringConverterConfig, NumberConverterConfig, BooleanConverterConfig): what
 * `GET /connector-plugins/{converter}/config` answers and the only keys a connector may set under
 * `key.converter.` / `value.converter.`. `float.format` is msa-sync's own (see below).
 */

export const CONVERTER_TYPE_CONFIG = 'converter.type';

/** Apache's `ConverterConfig.newConfigDef()` as 4.3 answers it: `converter.type` alone. */
export function converterConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: CONVERTER_TYPE_CONFIG,
    type: 'STRING',
    validator: validString('key', 'value', 'header'),
    importance: 'LOW',
    documentation: 'What the converter is used for (key, value or header); the worker sets it.',
  });
}

/** msa-sync's own key: which JVM's text for float32/float64 numbers to reproduce. */
function defineFloatFormat(def: ConfigDef, group: string | null, orderInGroup: number): ConfigDef {
  return def.define({
    name: 'float.format',
    type: 'STRING',
    default: 'LEGACY',
    validator: caseInsensitiveValidString('LEGACY', 'SHORTEST'),
    importance: 'LOW',
    documentation:
      'msa-sync only (Apache has no such key): how float32/float64 numbers are written as text. LEGACY ' +
      '(default) gives the text of Java 8 to 18, as a Kafka Connect worker on Java 17 writes it; SHORTEST ' +
      'the shortest text that reads back to the same number, as Java 19 and later write it.',
    group,
    orderInGroup,
    width: 'MEDIUM',
    displayName: 'Float Format',
  });
}

/** Apache's JsonConverterConfig, then msa-sync's `float.format`. */
export function jsonConverterConfigDef(): ConfigDef {
  const def = converterConfigDef()
    .define({
      name: 'schemas.enable',
      type: 'BOOLEAN',
      default: true,
      importance: 'HIGH',
      documentation:
        'Write each key or value as a {"schema":…,"payload":…} envelope, and expect that envelope when reading.',
      group: 'Schemas',
      orderInGroup: 0,
      width: 'MEDIUM',
      displayName: 'Enable Schemas',
    })
    .define({
      name: 'schemas.cache.size',
      type: 'INT',
      default: 1000,
      importance: 'HIGH',
      documentation: 'How many schemas one converter instance keeps parsed (least recently used go first).',
      group: 'Schemas',
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Schema Cache Size',
    })
    .define({
      name: 'schema.content',
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation:
        'A schema in the JSON form of the envelope\'s "schema" member. When set (and schemas.enable is true), ' +
        'every message read is taken to be the bare payload of this schema, without envelope. Only reading ' +
        '(sink connectors) is affected; writing still produces envelopes.',
      group: 'Schemas',
      orderInGroup: 2,
      width: 'MEDIUM',
      displayName: 'Schema Content',
    })
    .define({
      name: 'decimal.format',
      type: 'STRING',
      default: 'BASE64',
      validator: caseInsensitiveValidString('BASE64', 'NUMERIC'),
      importance: 'LOW',
      documentation:
        "How decimals are written, in any case: 'BASE64' (default, the unscaled value's bytes) or 'NUMERIC' " +
        '(a JSON number).',
      group: 'Serialization',
      orderInGroup: 0,
      width: 'MEDIUM',
      displayName: 'Decimal Format',
    })
    .define({
      name: 'replace.null.with.default',
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation:
        'Whether a null field that has a default value is written and read as that default (true) or as null (false).',
      group: 'Serialization',
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Replace null with default',
    });
  return defineFloatFormat(def, 'Serialization', 2);
}

/** Apache's StringConverterConfig, then msa-sync's `float.format`. */
export function stringConverterConfigDef(): ConfigDef {
  const def = converterConfigDef().define({
    name: 'converter.encoding',
    type: 'STRING',
    default: 'UTF-8',
    importance: 'HIGH',
    documentation:
      'Java name of the character set strings are encoded in (msa-sync knows UTF-8, ISO-8859-1, US-ASCII and UTF-16LE).',
    group: null,
    orderInGroup: -1,
    width: 'MEDIUM',
    displayName: 'Encoding',
  });
  return defineFloatFormat(def, null, -1);
}

/** Apache's SimpleHeaderConverter has no settings at all, not even converter.type. */
export function simpleHeaderConverterConfigDef(): ConfigDef {
  return new ConfigDef();
}
