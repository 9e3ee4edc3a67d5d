import type { ConnectHeader } from '../api/records.js';
import { DataError } from '../data/data-error.js';
import { int64ToString } from '../data/int64.js';
import { javaDoubleToString, javaFloatToString } from '../data/java-number-text.js';

/**
 * The bytes Connect's default header converter (`SimpleHeaderConverter`) writes for a source
 * record's header: the value's text in UTF-8. Strings, booleans and numbers are written as Java
 * prints them, bytes as they are. Structured and temporal values (which Java's `Values` prints in
 * its own syntax) are refused rather than written differently from Apache; so is a null value,
 * which the Kafka client here cannot send.
 */
export function headerBytes(header: ConnectHeader): Buffer {
  const { schema, value } = header;
  if (value === null || value === undefined) {
    throw new DataError(`Header '${header.key}' has a null value, which msa-sync cannot write yet`);
  }
  if (value instanceof Uint8Array && schema?.logical === undefined) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'boolean') return Buffer.from(String(value), 'utf8');
  if (typeof value === 'bigint') return Buffer.from(value.toString(), 'utf8');
  if (typeof value === 'number' && schema?.logical === undefined) {
    const type = schema?.type;
    if (type === 'float32') return Buffer.from(javaFloatToString(value, 'LEGACY'), 'utf8');
    if (type === 'float64' || (type === undefined && !Number.isInteger(value))) {
      return Buffer.from(javaDoubleToString(value, 'LEGACY'), 'utf8');
    }
    return Buffer.from(int64ToString(value), 'utf8');
  }
  throw new DataError(
    `Header '${header.key}' holds a ${schema?.name ?? schema?.type ?? typeof value} value; msa-sync's header converter writes strings, numbers, booleans and bytes only`,
  );
}
