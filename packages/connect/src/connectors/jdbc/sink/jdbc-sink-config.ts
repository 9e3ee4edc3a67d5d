import {
  confluentDialectClassNames,
  dialectForClass,
  type JdbcUrl,
  JdbcUrlError,
  parseJdbcUrl,
} from '@msa-sync/sql';
import { ConfigDef, type RawConfig } from '../../../config/config-def.js';
import { ConfigException, type Password } from '../../../config/config-types.js';
import { atLeast, caseInsensitiveValidString, validString } from '../../../config/validators.js';

export type InsertMode = 'insert' | 'upsert' | 'update' | 'insert.ignore';
export type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value';

/** The JDBC sink's settings, parsed and checked against each other. */
export interface JdbcSinkConfig {
  url: JdbcUrl;
  user: string | undefined;
  password: Password | undefined;
  connectionAttempts: number;
  connectionBackoffMs: number;
  insertMode: InsertMode;
  pkMode: PkMode;
  pkFields: string[];
  fieldsWhitelist: string[];
  autoCreate: boolean;
  autoEvolve: boolean;
  deleteEnabled: boolean;
  tableNameFormat: string;
  batchSize: number;
  /** Longest a record waits in the task's buffer for more records before it is written. */
  batchMaxWaitMs: number;
  maxRetries: number;
  retryBackoffMs: number;
  dbTimezone: string;
  quoteIdentifiers: boolean;
  /** Table that keeps consumed offsets next to the rows (empty: at-least-once only). */
  exactlyOnceOffsetsTable: string;
  /** Value fields whose value marks a record as a delete (none: only tombstones delete). */
  deleteMarkerFields: string[];
  /** The marker values meaning "delete", lower case. */
  deleteMarkerValues: string[];
  /** What a record field without a column does: add the column, be left out, or fail the record. */
  unknownFields: UnknownFieldsPolicy;
  /** Explicit topic → table names (the table written as table.name.format would be). */
  topicTables: Map<string, string>;
}

export type UnknownFieldsPolicy = 'add' | 'ignore' | 'fail';

/** What table.name.format replaces with the record's topic. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Connect's own placeholder syntax, not a JS template
export const TOPIC_PLACEHOLDER = '${topic}';

export const DEFAULT_KAFKA_PK_NAMES = ['__connect_topic', '__connect_partition', '__connect_offset'];

const CONNECTION = 'Connection';
const WRITES = 'Writes';
const DATA_MAPPING = 'Data Mapping';
const DDL = 'DDL Support';
const RETRIES = 'Retries';

export const jdbcSinkConfigDef = new ConfigDef()
  .define({
    name: 'connection.url',
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'JDBC connection URL: jdbc:mariadb://host:port/db, jdbc:mysql://…, jdbc:postgresql://host:port/db or jdbc:sqlite:path.',
    group: CONNECTION,
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'JDBC URL',
  })
  .define({
    name: 'connection.user',
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'JDBC connection user.',
    group: CONNECTION,
    orderInGroup: 2,
    width: 'MEDIUM',
    displayName: 'JDBC User',
  })
  .define({
    name: 'connection.password',
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    documentation: 'JDBC connection password. Never logged nor shown.',
    group: CONNECTION,
    orderInGroup: 3,
    width: 'MEDIUM',
    displayName: 'JDBC Password',
  })
  .define({
    name: 'dialect.name',
    type: 'STRING',
    default: '',
    validator: validString('', ...confluentDialectClassNames),
    importance: 'LOW',
    documentation: 'The database dialect; empty chooses it from the JDBC URL.',
    group: CONNECTION,
    orderInGroup: 4,
    displayName: 'Database Dialect',
  })
  .define({
    name: 'connection.attempts',
    type: 'INT',
    default: 3,
    validator: atLeast(1),
    importance: 'LOW',
    documentation: 'How many times to try to connect before the task fails.',
    group: CONNECTION,
    orderInGroup: 5,
    displayName: 'JDBC connection attempts',
  })
  .define({
    name: 'connection.backoff.ms',
    type: 'LONG',
    default: 10_000,
    validator: atLeast(0),
    importance: 'LOW',
    documentation: 'Wait between connection attempts, in milliseconds.',
    group: CONNECTION,
    orderInGroup: 6,
    displayName: 'JDBC connection backoff (millis)',
  })
  .define({
    name: 'insert.mode',
    type: 'STRING',
    default: 'insert',
    validator: caseInsensitiveValidString('insert', 'upsert', 'update', 'insert.ignore'),
    importance: 'HIGH',
    documentation:
      'insert: plain INSERT. upsert: insert or update on the primary key (ON DUPLICATE KEY / ON CONFLICT). update: UPDATE only. ' +
      'insert.ignore: insert, skipping records whose primary key is already in the table (other errors still fail).',
    group: WRITES,
    orderInGroup: 1,
    displayName: 'Insert Mode',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: 3000,
    validator: atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Most records written per statement batch; the buffer for a table is flushed at this size.',
    group: WRITES,
    orderInGroup: 2,
    displayName: 'Batch Size',
  })
  .define({
    name: 'batch.max.wait.ms',
    type: 'LONG',
    default: 50,
    validator: atLeast(0),
    importance: 'LOW',
    documentation:
      'Records of several deliveries are buffered up to batch.size; a buffered record is written at the ' +
      'latest this long after it arrived (also when the worker has nothing more to deliver, and before every offset commit).',
    group: WRITES,
    orderInGroup: 2,
    displayName: 'Batch Max Wait (millis)',
  })
  .define({
    name: 'delete.enabled',
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Treat null record values (tombstones) as deletes. Requires pk.mode=record_key.',
    group: WRITES,
    orderInGroup: 3,
    displayName: 'Enable deletes',
  })
  .define({
    name: 'delete.marker.fields',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Value fields that mark a record as a delete of its key (e.g. __deleted,op); works with pk.mode record_key ' +
      'and record_value. Marker fields are not written as columns. Empty: only tombstones delete.',
    group: WRITES,
    orderInGroup: 5,
    width: 'LONG',
    displayName: 'Delete marker fields',
  })
  .define({
    name: 'delete.marker.values',
    type: 'LIST',
    default: 'true,d',
    importance: 'LOW',
    documentation:
      'Values of a delete marker field that mean "delete" (compared case-insensitively as text).',
    group: WRITES,
    orderInGroup: 6,
    displayName: 'Delete marker values',
  })
  .define({
    name: 'exactly.once.offsets.table',
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'When set, consumed offsets are stored in this table in the same transaction as the rows, and the task ' +
      'resumes from them: no record is written twice, even in insert mode after a crash. Empty: at-least-once.',
    group: WRITES,
    orderInGroup: 4,
    displayName: 'Exactly-once offsets table',
  })
  .define({
    name: 'table.name.format',
    type: 'STRING',
    default: TOPIC_PLACEHOLDER,
    importance: 'MEDIUM',
    documentation:
      `Destination table name; '${TOPIC_PLACEHOLDER}' stands for the record's topic. A dot written in the format ` +
      'separates schema (or database) and table; dots inside the topic name never do.',
    group: DATA_MAPPING,
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'Table Name Format',
  })
  .define({
    name: 'topics.to.tables.mapping',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Explicit tables for topics, as topic:table pairs separated by commas; a mapped table is used instead of ' +
      'table.name.format (a dot in it separates schema or database and table). Other topics use table.name.format.',
    group: DATA_MAPPING,
    orderInGroup: 6,
    width: 'LONG',
    displayName: 'Topics to tables mapping',
  })
  .define({
    name: 'pk.mode',
    type: 'STRING',
    default: 'none',
    validator: caseInsensitiveValidString('none', 'kafka', 'record_key', 'record_value'),
    importance: 'HIGH',
    documentation:
      'Where the primary key comes from: none; kafka (topic, partition, offset); record_key; record_value.',
    group: DATA_MAPPING,
    orderInGroup: 2,
    displayName: 'Primary Key Mode',
  })
  .define({
    name: 'pk.fields',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Primary key field names. kafka: three names for topic, partition and offset. record_key: key fields (all when ' +
      'empty; exactly one name for a primitive key). record_value: value fields (all when empty).',
    group: DATA_MAPPING,
    orderInGroup: 3,
    width: 'LONG',
    displayName: 'Primary Key Fields',
  })
  .define({
    name: 'fields.whitelist',
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Record value fields to write; empty means all.',
    group: DATA_MAPPING,
    orderInGroup: 4,
    width: 'LONG',
    displayName: 'Fields Whitelist',
  })
  .define({
    name: 'db.timezone',
    type: 'STRING',
    default: 'UTC',
    importance: 'MEDIUM',
    documentation: 'Zone in which zone-less DATETIME/TIMESTAMP columns hold instants.',
    group: DATA_MAPPING,
    orderInGroup: 5,
    displayName: 'DB Time Zone',
  })
  .define({
    name: 'auto.create',
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Create the destination table from the record schema when it is missing.',
    group: DDL,
    orderInGroup: 1,
    displayName: 'Auto-Create',
  })
  .define({
    name: 'auto.evolve',
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Add columns for new record fields (optional ones, or ones with a default).',
    group: DDL,
    orderInGroup: 2,
    displayName: 'Auto-Evolve',
  })
  .define({
    name: 'schema.evolution.unknown.fields',
    type: 'STRING',
    default: '',
    validator: caseInsensitiveValidString('', 'add', 'ignore', 'fail'),
    importance: 'MEDIUM',
    documentation:
      'A record field that has no column: add (ALTER TABLE, needs auto.evolve=true), ignore (not written), fail ' +
      '(the record fails: dead letter queue or task failure). Empty: add when auto.evolve=true, else fail.',
    group: DDL,
    orderInGroup: 4,
    displayName: 'Unknown fields',
  })
  .define({
    name: 'quote.sql.identifiers',
    type: 'STRING',
    default: 'always',
    validator: caseInsensitiveValidString('always', 'never'),
    importance: 'MEDIUM',
    documentation:
      'always: names are used exactly as given. never: names are folded as the database folds unquoted names ' +
      '(PostgreSQL: lower case); they are still quoted in SQL, so no name can inject SQL.',
    group: DDL,
    orderInGroup: 3,
    displayName: 'Quote Identifiers',
  })
  .define({
    name: 'max.retries',
    type: 'INT',
    default: 10,
    validator: atLeast(0),
    importance: 'MEDIUM',
    documentation: 'How many times a batch that failed with a retriable database error is tried again.',
    group: RETRIES,
    orderInGroup: 1,
    displayName: 'Maximum Retries',
  })
  .define({
    name: 'retry.backoff.ms',
    type: 'INT',
    default: 3000,
    validator: atLeast(0),
    importance: 'MEDIUM',
    documentation: 'Wait before a retry, in milliseconds.',
    group: RETRIES,
    orderInGroup: 2,
    displayName: 'Retry Backoff (millis)',
  });

/**
 * Parses and cross-checks a sink config. Throws a {@link ConfigException} on the first problem;
 * the config def and {@link jdbcSinkProblems} list them all per key instead.
 */
export function parseJdbcSinkConfig(props: RawConfig): JdbcSinkConfig {
  const p = jdbcSinkConfigDef.parse(props);
  const first = [...jdbcSinkProblems(props).values()][0]?.[0];
  if (first !== undefined) throw new ConfigException(first);
  const url = parseJdbcUrl(p.getString('connection.url') ?? '');
  return {
    url,
    user: p.getString('connection.user') || undefined,
    password: p.getPassword('connection.password') ?? undefined,
    connectionAttempts: p.getNumber('connection.attempts') ?? 3,
    connectionBackoffMs: p.getNumber('connection.backoff.ms') ?? 10_000,
    insertMode: (p.getString('insert.mode') ?? 'insert').toLowerCase() as InsertMode,
    pkMode: (p.getString('pk.mode') ?? 'none').toLowerCase() as PkMode,
    pkFields: p.getList('pk.fields') ?? [],
    fieldsWhitelist: p.getList('fields.whitelist') ?? [],
    autoCreate: p.getBoolean('auto.create') ?? false,
    autoEvolve: p.getBoolean('auto.evolve') ?? false,
    deleteEnabled: p.getBoolean('delete.enabled') ?? false,
    tableNameFormat: p.getString('table.name.format') || TOPIC_PLACEHOLDER,
    batchSize: Math.max(1, p.getNumber('batch.size') ?? 3000),
    batchMaxWaitMs: p.getNumber('batch.max.wait.ms') ?? 50,
    maxRetries: p.getNumber('max.retries') ?? 10,
    retryBackoffMs: p.getNumber('retry.backoff.ms') ?? 3000,
    dbTimezone: p.getString('db.timezone') || 'UTC',
    quoteIdentifiers: (p.getString('quote.sql.identifiers') ?? 'always').toLowerCase() === 'always',
    exactlyOnceOffsetsTable: p.getString('exactly.once.offsets.table') ?? '',
    deleteMarkerFields: p.getList('delete.marker.fields') ?? [],
    deleteMarkerValues: (p.getList('delete.marker.values') ?? []).map((v) => v.toLowerCase()),
    unknownFields: unknownFieldsPolicy(
      p.getString('schema.evolution.unknown.fields'),
      p.getBoolean('auto.evolve'),
    ),
    topicTables: topicTables(p.getList('topics.to.tables.mapping') ?? []).map,
  };
}

/**
 * The problems a per-key check cannot see, by key: the URL, the dialect, the zone, and the rules
 * between keys that Confluent's connector enforces (delete.enabled needs record_key...). No I/O.
 */
export function jdbcSinkProblems(props: RawConfig): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  const add = (key: string, message: string) => problems.set(key, [...(problems.get(key) ?? []), message]);
  const rawUrl = props['connection.url'];
  let url: JdbcUrl | undefined;
  if (rawUrl) {
    try {
      url = parseJdbcUrl(rawUrl);
    } catch (error) {
      add('connection.url', error instanceof JdbcUrlError ? error.message : String(error));
    }
  }
  const dialectClass = props['dialect.name']?.trim();
  const named = dialectClass ? dialectForClass(dialectClass) : undefined;
  if (url && named && named.name !== url.dialect) {
    add(
      'dialect.name',
      `Dialect ${dialectClass} does not match the database of connection.url (${url.dialect}); leave dialect.name empty to choose it from the URL.`,
    );
  }
  const zone = props['db.timezone']?.trim();
  if (zone && !isKnownZone(zone))
    add('db.timezone', `Invalid value ${zone} for configuration db.timezone: Invalid time zone identifier`);

  const pkMode = (props['pk.mode'] ?? 'none').trim().toLowerCase();
  const pkFields = listOf(props['pk.fields']);
  const insertMode = (props['insert.mode'] ?? 'insert').trim().toLowerCase();
  if (props['delete.enabled']?.trim().toLowerCase() === 'true' && pkMode !== 'record_key') {
    add('delete.enabled', "Primary key mode must be 'record_key' when delete support is enabled");
  }
  if (pkMode === 'none' && pkFields.length > 0) {
    add(
      'pk.fields',
      `Primary key fields ${pkFields.join(', ')} are given but pk.mode is none: set pk.mode or leave pk.fields empty.`,
    );
  }
  if (pkMode === 'kafka' && pkFields.length > 0 && pkFields.length !== 3) {
    add(
      'pk.fields',
      `PK mode for kafka requires exactly 3 fields (topic, partition, offset) or none for the defaults ${DEFAULT_KAFKA_PK_NAMES.join(', ')}; got ${pkFields.length}.`,
    );
  }
  if (
    (insertMode === 'upsert' || insertMode === 'update' || insertMode === 'insert.ignore') &&
    pkMode === 'none'
  ) {
    add(
      'pk.mode',
      `insert.mode=${insertMode} needs a primary key: set pk.mode to kafka, record_key or record_value.`,
    );
  }
  const eosTable = props['exactly.once.offsets.table']?.trim();
  if (eosTable?.includes('\u0000'))
    add('exactly.once.offsets.table', 'A table name cannot contain a NUL character');
  const unknown = (props['schema.evolution.unknown.fields'] ?? '').trim().toLowerCase();
  if (unknown === 'add' && props['auto.evolve']?.trim().toLowerCase() !== 'true')
    add('schema.evolution.unknown.fields', 'schema.evolution.unknown.fields=add needs auto.evolve=true');
  const mapping = topicTables(listOf(props['topics.to.tables.mapping']));
  if (mapping.problem) add('topics.to.tables.mapping', mapping.problem);
  const format = props['table.name.format'];
  if (typeof format === 'string' && format.trim() === '')
    add('table.name.format', 'Table name format must not be empty');
  return problems;
}

function unknownFieldsPolicy(raw: string | null, autoEvolve: boolean | null): UnknownFieldsPolicy {
  const policy = (raw ?? '').trim().toLowerCase();
  if (policy === 'add' || policy === 'ignore' || policy === 'fail') return policy;
  return autoEvolve ? 'add' : 'fail';
}

function topicTables(pairs: readonly string[]): { map: Map<string, string>; problem?: string } {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    // The first colon separates: Kafka topic names cannot hold one.
    const at = pair.indexOf(':');
    const topic = pair.slice(0, at).trim();
    const table = pair.slice(at + 1).trim();
    if (at <= 0 || !table) return { map, problem: `Invalid topic:table pair '${pair}'` };
    if (map.has(topic)) return { map, problem: `Topic ${topic} is mapped twice` };
    map.set(topic, table);
  }
  return { map };
}

function listOf(raw: string | null | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function isKnownZone(zone: string): boolean {
  if (/^[+-]\d{2}:\d{2}$/.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
