import { isKnownTimeZone } from '@msa-sync/sql';
import { ConfigDef } from '../../../config/config-def.js';
import type { Password } from '../../../config/config-types.js';
import { atLeast, lambda, validList, validString } from '../../../config/validators.js';
import { DEFAULT_NUMERIC_MAPPING, NUMERIC_MAPPINGS, type NumericMapping } from './column-types.js';

export type SourceMode = 'bulk' | 'incrementing' | 'timestamp' | 'timestamp+incrementing' | 'query';
export const SOURCE_MODES: readonly SourceMode[] = [
  'bulk',
  'incrementing',
  'timestamp',
  'timestamp+incrementing',
  'query',
];

/**
 * msa-sync waits this long (Confluent: 0) before a row stamped at time t may be read: a
 * transaction that stamped its rows at t and commits within the delay is never passed over.
 */
export const DEFAULT_TIMESTAMP_DELAY_MS = 2000;
/** How far back the timestamp modes re-read for rows committed later than the delay. */
export const DEFAULT_LOOKBACK_MS = 60_000;
/** The most (key, timestamp) pairs remembered per table for the look-back. */
export const DEFAULT_LOOKBACK_MAX_ROWS = 100_000;

const DATABASE = 'Database';
const MODE = 'Mode';
const CONNECTOR = 'Connector';

const topicPrefixValidator = lambda('ASCII alphanumerics, ".", "_" and "-"', (value) => {
  const text = String(value ?? '').trim();
  if (text.length > 249) return 'Topic prefix length must not exceed max topic name length, 249 chars';
  if (/[^a-zA-Z0-9._-]/.test(text)) {
    return "Topic prefix must not contain any character other than ASCII alphanumerics, '.', '_' and '-'.";
  }
  return undefined;
});

const timeZoneValidator = lambda('a time zone id (UTC, Asia/Seoul, +09:00)', (value) =>
  typeof value === 'string' && isKnownTimeZone(value) ? undefined : 'Invalid time zone identifier',
);

let order = 0;
const next = () => ++order;

/** The JDBC source keys, with Confluent's names, types and defaults (and msa-sync's additions). */
export const jdbcSourceConfigDef = new ConfigDef()
  .define({
    name: 'connection.url',
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'JDBC connection URL: jdbc:mariadb://host:port/db, jdbc:mysql://..., jdbc:postgresql://host:port/db or jdbc:sqlite:path.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'LONG',
    displayName: 'JDBC URL',
    dependents: ['table.whitelist', 'table.blacklist'],
  })
  .define({
    name: 'connection.user',
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'JDBC connection user.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'LONG',
    displayName: 'JDBC User',
  })
  .define({
    name: 'connection.password',
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation: 'JDBC connection password.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'JDBC Password',
  })
  .define({
    name: 'connection.attempts',
    type: 'INT',
    default: 3,
    validator: atLeast(1),
    importance: 'LOW',
    documentation:
      'Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'JDBC connection attempts',
  })
  .define({
    name: 'connection.backoff.ms',
    type: 'LONG',
    default: 10_000,
    importance: 'LOW',
    documentation: 'Backoff time in milliseconds between connection attempts.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'JDBC connection backoff in milliseconds',
  })
  .define({
    name: 'table.whitelist',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'List of tables to include in copying (names or db.table / schema.table). If specified, table.blacklist may not be set.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'LONG',
    displayName: 'Table Whitelist',
  })
  .define({
    name: 'table.blacklist',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'List of tables to exclude from copying. If specified, table.whitelist may not be set.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'LONG',
    displayName: 'Table Blacklist',
  })
  .define({
    name: 'table.include.list',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Regular expressions of the tables to copy, matched against the whole qualified name (db.table, schema.table) or the table name.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'LONG',
    displayName: 'Table include list',
  })
  .define({
    name: 'table.exclude.list',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Regular expressions of the tables not to copy, matched like table.include.list.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'LONG',
    displayName: 'Table exclude list',
  })
  .define({
    name: 'numeric.precision.mapping',
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    documentation: 'Deprecated: numeric.mapping=precision_only.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Map Numeric Values By Precision (deprecated)',
  })
  .define({
    name: 'numeric.mapping',
    type: 'STRING',
    default: null,
    validator: lambda(`one of ${NUMERIC_MAPPINGS.join(', ')}`, (value) =>
      value === null || NUMERIC_MAPPINGS.includes(String(value).toLowerCase() as NumericMapping)
        ? undefined
        : `String must be one of: ${NUMERIC_MAPPINGS.join(', ')}`,
    ),
    importance: 'LOW',
    documentation:
      'How DECIMAL/NUMERIC columns map. best_fit (msa-sync default; Confluent defaults to none): int8..int64 when the ' +
      'scale is 0, float64 when precision <= 15 (exact in a double), else Decimal; unbounded NUMERIC as exact text. ' +
      'none: Decimal. precision_only: integers by precision when the scale is 0. best_fit_eager_double: float64 for ' +
      'any scale. string: every DECIMAL/NUMERIC as its exact text.',
    group: DATABASE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Map Numeric Values, Integral or Decimal, By Precision and Scale',
  })
  .define({
    name: 'mode',
    type: 'STRING',
    validator: validString(...SOURCE_MODES),
    importance: 'HIGH',
    documentation:
      'bulk: the whole table each poll; incrementing: new rows by a strictly incrementing column; timestamp: new ' +
      'and changed rows by timestamp columns; timestamp+incrementing: both, exact; query: the custom query in bulk.',
    group: MODE,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Table Loading Mode',
    dependents: ['incrementing.column.name', 'timestamp.column.name', 'validate.non.null'],
  })
  .define({
    name: 'incrementing.column.name',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'The strictly incrementing column that detects new rows. Empty: the auto-increment column. May not be nullable.',
    group: MODE,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Incrementing Column Name',
  })
  .define({
    name: 'timestamp.column.name',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'One or more timestamp columns, combined with COALESCE, that detect new or modified rows. At least one should not be nullable.',
    group: MODE,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Timestamp Column Name',
  })
  .define({
    name: 'timestamp.initial',
    type: 'LONG',
    default: null,
    importance: 'LOW',
    documentation:
      'Epoch milliseconds the first timestamp query starts after; -1 for the current time. Unset: all data.',
    group: MODE,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Unix time value of initial timestamp',
  })
  .define({
    name: 'validate.non.null',
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Refuse incrementing and timestamp columns that are nullable.',
    group: MODE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Validate Non Null',
  })
  .define({
    name: 'query',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'A query whose rows are copied instead of whole tables (to one topic, topic.prefix). Incremental modes filter ' +
      'and order its rows by the mode columns, so it may have its own WHERE clause.',
    group: MODE,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Query',
  })
  .define({
    name: 'table.types',
    type: 'LIST',
    default: 'TABLE',
    validator: validList(['TABLE', 'VIEW'], { emptyAllowed: false }),
    importance: 'LOW',
    documentation: 'Which kinds of tables to copy: TABLE, VIEW or both.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Table Types',
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    default: 5000,
    validator: atLeast(0),
    importance: 'HIGH',
    documentation: 'Frequency in ms to poll for new data in each table.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Poll Interval (ms)',
  })
  .define({
    name: 'batch.max.rows',
    type: 'INT',
    default: 100,
    validator: atLeast(1),
    importance: 'LOW',
    documentation: 'Maximum number of rows to include in a single batch when polling for new data.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Max Rows Per Batch',
  })
  .define({
    name: 'table.poll.interval.ms',
    type: 'LONG',
    default: 60_000,
    validator: atLeast(1),
    importance: 'LOW',
    documentation: 'Frequency in ms to look for new or removed tables, which reconfigures the tasks.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Metadata Change Monitoring Interval (ms)',
  })
  .define({
    name: 'topic.prefix',
    type: 'STRING',
    validator: topicPrefixValidator,
    importance: 'HIGH',
    documentation:
      'Prefix to prepend to table names to generate the name of the Kafka topic, or with a custom query the whole topic name.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Topic Prefix',
  })
  .define({
    name: 'timestamp.delay.interval.ms',
    type: 'LONG',
    default: DEFAULT_TIMESTAMP_DELAY_MS,
    validator: atLeast(0),
    importance: 'HIGH',
    documentation:
      'How long after its timestamp (by the database clock) a row may be read, so transactions stamped earlier can ' +
      `commit first. msa-sync's default is ${DEFAULT_TIMESTAMP_DELAY_MS} (Confluent: 0).`,
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Delay Interval (ms)',
  })
  .define({
    name: 'timestamp.lookback.ms',
    type: 'LONG',
    default: DEFAULT_LOOKBACK_MS,
    validator: atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'msa-sync: each poll of a timestamp mode re-reads the keys of this last interval and sends the rows that ' +
      'committed after the cursor passed them (those already sent are dropped). 0 turns it off.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'Look-back interval (ms)',
  })
  .define({
    name: 'timestamp.lookback.max.rows',
    type: 'INT',
    default: DEFAULT_LOOKBACK_MAX_ROWS,
    validator: atLeast(1),
    importance: 'LOW',
    documentation:
      'msa-sync: the most sent (key, timestamp) pairs kept per table for the look-back; beyond it the window shrinks.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'SHORT',
    displayName: 'Look-back memory (rows)',
  })
  .define({
    name: 'db.timezone',
    type: 'STRING',
    default: 'UTC',
    validator: timeZoneValidator,
    importance: 'MEDIUM',
    documentation: 'Time zone of zone-less date and time values in the database, and of time-based criteria.',
    group: CONNECTOR,
    orderInGroup: next(),
    width: 'MEDIUM',
    displayName: 'DB time zone',
  });

/** The parsed settings a connector or task runs with. */
export interface SourceSettings {
  url: string;
  user: string | undefined;
  password: string | undefined;
  connectionAttempts: number;
  connectionBackoffMs: number;
  whitelist: string[];
  blacklist: string[];
  includeList: string[];
  excludeList: string[];
  numericMapping: NumericMapping;
  mode: SourceMode;
  incrementingColumn: string;
  timestampColumns: string[];
  timestampInitial: number | undefined;
  validateNonNull: boolean;
  query: string;
  tableTypes: ('TABLE' | 'VIEW')[];
  pollIntervalMs: number;
  batchMaxRows: number;
  tablePollIntervalMs: number;
  topicPrefix: string;
  timestampDelayMs: number;
  lookbackMs: number;
  lookbackMaxRows: number;
  timeZone: string;
}

/** Parses a connector (or task) config; throws a ConfigException on the first bad key. */
export function parseSourceSettings(config: Record<string, string>): SourceSettings {
  const c = jdbcSourceConfigDef.parse(config);
  const list = (key: string) => (c.getList(key) ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const mapping = c.getString('numeric.mapping');
  const mode = c.getString('mode') as SourceMode;
  return {
    url: c.getString('connection.url') ?? '',
    user: c.getString('connection.user') ?? undefined,
    password: (c.getPassword('connection.password') as Password | null)?.value() ?? undefined,
    connectionAttempts: c.getNumber('connection.attempts') ?? 3,
    connectionBackoffMs: c.getNumber('connection.backoff.ms') ?? 10_000,
    whitelist: list('table.whitelist'),
    blacklist: list('table.blacklist'),
    includeList: list('table.include.list'),
    excludeList: list('table.exclude.list'),
    numericMapping:
      mapping !== null
        ? (mapping.toLowerCase() as NumericMapping)
        : c.getBoolean('numeric.precision.mapping')
          ? 'precision_only'
          : DEFAULT_NUMERIC_MAPPING,
    mode,
    incrementingColumn: c.getString('incrementing.column.name') ?? '',
    timestampColumns: list('timestamp.column.name'),
    timestampInitial: c.getNumber('timestamp.initial') ?? undefined,
    validateNonNull: c.getBoolean('validate.non.null') ?? true,
    query: c.getString('query') ?? '',
    tableTypes: (c.getList('table.types') ?? ['TABLE']) as ('TABLE' | 'VIEW')[],
    pollIntervalMs: c.getNumber('poll.interval.ms') ?? 5000,
    batchMaxRows: c.getNumber('batch.max.rows') ?? 100,
    tablePollIntervalMs: c.getNumber('table.poll.interval.ms') ?? 60_000,
    topicPrefix: (c.getString('topic.prefix') ?? '').trim(),
    timestampDelayMs: c.getNumber('timestamp.delay.interval.ms') ?? DEFAULT_TIMESTAMP_DELAY_MS,
    lookbackMs: c.getNumber('timestamp.lookback.ms') ?? DEFAULT_LOOKBACK_MS,
    lookbackMaxRows: c.getNumber('timestamp.lookback.max.rows') ?? DEFAULT_LOOKBACK_MAX_ROWS,
    timeZone: c.getString('db.timezone') ?? 'UTC',
  };
}

/** Whether the mode reads an incrementing column / timestamp columns. */
export function usesIncrementing(mode: SourceMode): boolean {
  return mode === 'incrementing' || mode === 'timestamp+incrementing';
}
export function usesTimestamp(mode: SourceMode): boolean {
  return mode === 'timestamp' || mode === 'timestamp+incrementing';
}
