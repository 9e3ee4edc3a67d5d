import type { ConnectHeader } from '../api/records.js';
import { ConfigDef } from '../config/config-def.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import type { Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { contentMessage, quotingContent } from '../errors/record-content.js';
import { InvalidDatePatternError, JavaSimpleDateFormat } from './java-simple-date-format.js';
import { transformationPlugin } from './key-value-plugins.js';
import { type ConnectRecord, type TransformationPlugin, withChanges } from './transformation.js';

const TOPIC_FORMAT = 'topic.format';
const TIMESTAMP_FORMAT = 'timestamp.format';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Connect's own placeholder syntax, not a JS template
const TOPIC_PLACEHOLDER = '${topic}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Connect's own placeholder syntax, not a JS template
const TIMESTAMP_PLACEHOLDER = '${timestamp}';

export const TIMESTAMP_ROUTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: TOPIC_FORMAT,
    type: 'STRING',
    default: `${TOPIC_PLACEHOLDER}-${TIMESTAMP_PLACEHOLDER}`,
    importance: 'HIGH',
    documentation: `The new topic name: ${TOPIC_PLACEHOLDER} stands for the current topic and ${TIMESTAMP_PLACEHOLDER} for the formatted record timestamp.`,
  })
  .define({
    name: TIMESTAMP_FORMAT,
    type: 'STRING',
    default: 'yyyyMMdd',
    importance: 'HIGH',
    documentation: 'java.text.SimpleDateFormat pattern the record timestamp is written with, in UTC.',
  });

/**
 * `TimestampRouter`: renames the topic to `topic.format` with `${topic}` replaced by the topic
 * and then `${timestamp}` by the record timestamp formatted with `timestamp.format`
 * (`SimpleDateFormat` in UTC, with en_US names and week rules; see java-simple-date-format.ts). A
 * record without a timestamp fails with Apache's `Timestamp missing on record: <record>`. A
 * pattern Java rejects (`Illegal pattern character 'b'`, `Unterminated quote`) fails every record,
 * as in Apache, which builds the format lazily.
 */
export const timestampRouterPlugins: TransformationPlugin[] = [
  transformationPlugin('TimestampRouter', TIMESTAMP_ROUTER_CONFIG_DEF, (props) => {
    const config = TIMESTAMP_ROUTER_CONFIG_DEF.parse(props);
    const topicFormat = config.getString(TOPIC_FORMAT) ?? '';
    const timestampFormat = config.getString(TIMESTAMP_FORMAT) ?? '';
    let format: JavaSimpleDateFormat | undefined;
    let patternError: InvalidDatePatternError | undefined;
    try {
      format = new JavaSimpleDateFormat(timestampFormat);
    } catch (error) {
      if (!(error instanceof InvalidDatePatternError)) throw error;
      patternError = error;
    }
    return {
      apply(record) {
        const timestamp = record.timestamp;
        if (timestamp === null || timestamp === undefined) {
          const message = contentMessage`Timestamp missing on record: ${javaRecordString(record)}`;
          throw quotingContent(new DataError(message.text), message);
        }
        if (patternError || !format) throw new InvalidDatePatternError(patternError?.message ?? '');
        const formatted = format.format(timestamp);
        const topic = topicFormat
          .replaceAll(TOPIC_PLACEHOLDER, () => record.topic)
          .replaceAll(TIMESTAMP_PLACEHOLDER, () => formatted);
        return withChanges(record, { topic });
      },
    };
  }),
];

// ---------------------------------------------------------------------------------------------
// The record as Java's toString prints it (SinkRecord / SourceRecord / ConnectRecord)

const JAVA_DATE_TO_STRING = new JavaSimpleDateFormat('EEE MMM dd HH:mm:ss zzz yyyy');

function javaRecordString(record: ConnectRecord): string {
  const r = record as ConnectRecord & Record<string, unknown>;
  let prefix = '';
  if ('kafkaOffset' in r) {
    prefix =
      `SinkRecord{kafkaOffset=${String(r.kafkaOffset)}, timestampType=${String(r.timestampType ?? 'NoTimestampType')}, ` +
      `originalTopic=${String(r.originalTopic ?? record.topic)}, ` +
      `originalKafkaPartition=${String(r.originalKafkaPartition ?? record.kafkaPartition ?? null)}, ` +
      `originalKafkaOffset=${String(r.originalKafkaOffset ?? r.kafkaOffset)}} `;
  } else if ('sourcePartition' in r) {
    prefix = `SourceRecord{sourcePartition=${javaString(r.sourcePartition)}, sourceOffset=${javaString(r.sourceOffset)}} `;
  }
  return (
    `${prefix}ConnectRecord{topic='${record.topic}', kafkaPartition=${String(record.kafkaPartition ?? null)}, ` +
    `key=${javaString(record.key, record.keySchema)}, keySchema=${schemaString(record.keySchema)}, ` +
    `value=${javaString(record.value, record.valueSchema)}, valueSchema=${schemaString(record.valueSchema)}, ` +
    `timestamp=${String(record.timestamp ?? null)}, headers=${headersString(record.headers)}}`
  );
}

function schemaString(schema: Schema | undefined): string {
  return schema ? schema.toString() : 'null';
}

function headersString(headers: readonly ConnectHeader[] | undefined): string {
  if (!headers || headers.length === 0) return 'ConnectHeaders(headers=)';
  const items = headers.map(
    (h) =>
      `ConnectHeader(key=${h.key}, value=${javaString(h.value, h.schema)}, schema=${schemaString(h.schema)})`,
  );
  return `ConnectHeaders(headers=[${items.join(', ')}])`;
}

/** `String.valueOf` of a Connect value as Java holds it (the schema tells float from int). */
function javaString(value: unknown, schema?: Schema): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number') {
    const floating = schema?.type === 'float32' || schema?.type === 'float64' || !Number.isInteger(value);
    return floating ? javaDoubleString(value) : String(value);
  }
  if (value instanceof Date) return JAVA_DATE_TO_STRING.format(value);
  if (value instanceof Decimal || value instanceof Struct) return value.toString();
  if (value instanceof Uint8Array) return '[B';
  if (Array.isArray(value)) return `[${value.map((v) => javaString(v, schema?.valueSchema)).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${javaString(k, schema?.keySchema)}=${javaString(v, schema?.valueSchema)}`).join(', ')}}`;
  }
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${javaString(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.5E-4`. */
function javaDoubleString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}
