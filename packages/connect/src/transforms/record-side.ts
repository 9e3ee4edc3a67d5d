import type { Schema } from '../data/schema.js';
import { type ConnectRecord, withChanges } from './transformation.js';

/**
 * Which half of a record a `$Key` or `$Value` variant works on. Apache writes each such
 * transformation as an abstract class with two small subclasses; here the side is a value.
 */
export type RecordSide = 'key' | 'value';

export function operatingSchema(record: ConnectRecord, side: RecordSide): Schema | undefined {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: ConnectRecord, side: RecordSide): unknown {
  const value = side === 'key' ? record.key : record.value;
  return value === undefined ? null : value;
}

/** `record` with the side's schema and value replaced. */
export function withSide<R extends ConnectRecord>(
  record: R,
  side: RecordSide,
  schema: Schema | undefined,
  value: unknown,
): R {
  return side === 'key'
    ? withChanges(record, { keySchema: schema, key: value })
    : withChanges(record, { valueSchema: schema, value });
}
