import type { PreciseInstant } from '@msa-sync/sql';

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

const OFFSET_KEYS = ['incrementing', 'timestamp', 'timestamp_nanos'] as const;

/**
 * The offsets check behind `PATCH /connectors/{jdbc source}/offsets`: partitions and offsets in
 * exactly the shapes this connector (and Confluent's) writes, so a stored offset is one the task
 * can resume from. `query` partitions for a connector with a query, table partitions otherwise;
 * the mode's keys as integers (a bulk connector keeps no offsets). Throws the reason.
 */
export function checkSourceOffsets(
  config: Record<string, string>,
  offsets: readonly { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[],
): void {
  const mode = (config.mode ?? '').trim();
  const query = (config.query ?? '').trim() !== '';
  for (const { partition, offset } of offsets) {
    const shown = JSON.stringify(partition);
    if (query) {
      if (partition.query !== 'query' || Object.keys(partition).length !== 1) {
        throw new Error(`A connector with a query has the one partition {"query":"query"}, not ${shown}`);
      }
    } else {
      const keys = Object.keys(partition).sort().join(',');
      const table = partition.table;
      if (typeof table !== 'string' || table === '' || (keys !== 'table' && keys !== 'protocol,table')) {
        throw new Error(
          `A JDBC source partition is {"protocol":"1","table":"<qualified table>"} (or {"table":…} of protocol 0), not ${shown}`,
        );
      }
      if (keys === 'protocol,table' && partition.protocol !== '1') {
        throw new Error(
          `Unknown offset protocol ${JSON.stringify(partition.protocol)} in ${shown}; only "1" exists`,
        );
      }
    }
    if (offset === null) continue;
    if (mode === 'bulk' || mode === 'query') {
      throw new Error(`Mode ${mode} keeps no offsets: only null can be set for ${shown}`);
    }
    for (const key of Object.keys(offset)) {
      if (!(OFFSET_KEYS as readonly string[]).includes(key)) {
        throw new Error(
          `Unknown key '${key}' in the offset for ${shown}; the keys are ${OFFSET_KEYS.join(', ')}`,
        );
      }
      const value = offset[key];
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new Error(
          `The value for '${key}' in the offset for ${shown} must be an integer, but was ${JSON.stringify(value)}`,
        );
      }
      if (key === 'timestamp_nanos' && (value < 0 || value > 999_999_999)) {
        throw new Error(
          `'timestamp_nanos' in the offset for ${shown} must be between 0 and 999999999, but was ${value}`,
        );
      }
    }
    const required = [
      ...(mode === 'incrementing' || mode === 'timestamp+incrementing' ? ['incrementing'] : []),
      ...(mode === 'timestamp' || mode === 'timestamp+incrementing' ? ['timestamp'] : []),
    ];
    for (const key of required) {
      if (!(key in offset)) {
        throw new Error(
          `Mode ${mode} needs '${key}' in the offset for ${shown}, but was ${JSON.stringify(offset)}`,
        );
      }
    }
  }
}
