import type { PreciseInstant } from '../zoned-time.js';

/**
 * Source partitions and offsets exactly as Confluent's connector writes them to connect-offsets,
 * so offsets survive a switch between the two. Keys are inserted in the order Java's HashMap
 * iterates them (the order Connect's JSON then has): `{"protocol":"1","table":"mydb.users1"}`,
 * `{"timestamp_nanos":…,"incrementing":…,"timestamp":…}`.
 */

/** Offset protocol v1: the qualified table name and the protocol version. */
export function tablePartition(qualifiedName: string): Record<string, string> {
  return { protocol: '1', table: qualifiedName };
}

/** Offset protocol v0 (Confluent before 5.0): the bare table name; read, never written. */
export function legacyTablePartition(tableName: string): Record<string, string> {
  return { table: tableName };
}

/** A custom query has one partition. */
export const QUERY_PARTITION: Readonly<Record<string, string>> = Object.freeze({ query: 'query' });

export interface StoredPosition {
  incrementing?: number | undefined;
  timestamp?: PreciseInstant | undefined;
}

/** `{"timestamp_nanos", "incrementing", "timestamp"}` with the keys the position has. */
export function offsetOf(position: StoredPosition): Record<string, number> {
  const offset: Record<string, number> = {};
  if (position.timestamp) offset.timestamp_nanos = position.timestamp.nanos;
  if (position.incrementing !== undefined) offset.incrementing = position.incrementing;
  if (position.timestamp) offset.timestamp = position.timestamp.millis;
  return offset;
}

/** Reads an offset written by msa-sync or by Confluent's connector. */
export function positionOf(offset: Record<string, unknown> | null | undefined): StoredPosition {
  if (!offset) return {};
  const number = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v)
      ? v
      : typeof v === 'string' && v.trim() !== ''
        ? Number(v)
        : undefined;
  const incrementing = number(offset.incrementing);
  const millis = number(offset.timestamp);
  const nanos = number(offset.timestamp_nanos);
  return {
    incrementing,
    timestamp:
      millis === undefined
        ? undefined
        : { millis, nanos: nanos ?? (((millis % 1000) + 1000) % 1000) * 1_000_000 },
  };
}

/** An incrementing value as the offset's JSON number (exact up to 2^53). */
export function incrementingNumber(value: unknown): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint'
        ? Number(value)
        : typeof value === 'string' && /^\s*-?\d+(\.0*)?\s*$/.test(value)
          ? Number(value.trim().split('.')[0])
          : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new Error(
      `Incrementing column value ${String(value)} is not an integer that the offset (a JSON number) holds exactly`,
    );
  }
  return n;
}
