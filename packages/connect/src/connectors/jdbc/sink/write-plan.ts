import type { SqlClient, TableId } from '@msa-sync/sql';
import type { SinkRecord } from '../../../api/records.js';
import { type Field, type Schema, Struct, schemaEquals } from '../../../data/index.js';
import { identityBinder, type ValueBinder } from './column-values.js';
import {
  extractFields,
  type FieldsMetadata,
  missingKeyError,
  RecordShapeError,
  type SinkColumn,
  structValue,
} from './fields-metadata.js';
import type { InsertMode, PkMode } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';
import type { TableStructure } from './table-structure.js';

/**
 * How records of one key/value schema pair are written to one table: the columns, the value
 * binders, and the SQL texts already built (cached here, so a statement is built once per table
 * and schema and row count).
 */
export interface WritePlan {
  readonly table: TableId;
  /** The quoted table reference, for messages. */
  readonly tableName: string;
  readonly keySchema: Schema | undefined;
  readonly valueSchema: Schema | undefined;
  readonly fields: FieldsMetadata;
  /** Column definitions for CREATE/ALTER, named as the columns are (folded when not quoting). */
  readonly columns: readonly SinkColumn[];
  readonly keyColumns: readonly string[];
  readonly nonKeyColumns: readonly string[];
  /** Per key column: the key (record_key) or value (record_value) field to read; names for kafka/none. */
  readonly keyFields: readonly (Field | string)[];
  /** Per non-key column: the value field to read. */
  readonly valueFields: readonly (Field | string)[];
  /** Undefined where the value is bound as it is. */
  readonly keyBinders: readonly (ValueBinder | undefined)[];
  readonly nonKeyBinders: readonly (ValueBinder | undefined)[];
  readonly sql: Map<string, string>;
  /** The table was checked (created/evolved) for this plan. */
  ensured: boolean;
}

export interface PlanSettings {
  pkMode: PkMode;
  pkFields: readonly string[];
  fieldsWhitelist: readonly string[];
  insertMode: InsertMode;
  dbTimezone: string;
  quoteIdentifiers: boolean;
  deleteMarkerFields?: readonly string[];
  ignoredFields?: ReadonlySet<string>;
}

export function buildPlan(
  dialect: SinkDialect,
  settings: PlanSettings,
  table: TableId,
  keySchema: Schema | undefined,
  valueSchema: Schema | undefined,
): WritePlan {
  const tableName = dialect.table(table);
  const fields = extractFields(table.table, settings, keySchema, valueSchema);
  if (settings.insertMode !== 'insert' && fields.keyFieldNames.length === 0) {
    throw new RecordShapeError(
      `Write to table '${table.table}' in ${settings.insertMode.toUpperCase()} mode requires key field names to be known, check the primary key configuration`,
    );
  }
  const column = (name: string) => (settings.quoteIdentifiers ? name : dialect.foldIdentifier(name));
  const all = fields.allFields;
  const binder = (name: string) => {
    const b = dialect.binder((all.get(name) as SinkColumn).schema, settings.dbTimezone);
    return b === identityBinder ? undefined : b;
  };
  const keySource = settings.pkMode === 'record_key' ? keySchema : valueSchema;
  return {
    table,
    tableName,
    keySchema,
    valueSchema,
    fields,
    columns: [...all.values()].map((c) => ({ ...c, name: column(c.name) })),
    keyColumns: fields.keyFieldNames.map(column),
    nonKeyColumns: fields.nonKeyFieldNames.map(column),
    keyFields: fields.keyFieldNames.map((name) => keySource?.field(name) ?? name),
    valueFields: fields.nonKeyFieldNames.map((name) => valueSchema?.field(name) ?? name),
    keyBinders: fields.keyFieldNames.map(binder),
    nonKeyBinders: fields.nonKeyFieldNames.map(binder),
    sql: new Map(),
    ensured: false,
  };
}

/**
 * Creates or evolves the plan's table (auto.create, auto.evolve, widening). When the table leaves
 * fields out (schema.evolution.unknown.fields=ignore), the plan is narrowed in place to the columns
 * the table has, so its cached identity stays valid.
 */
export async function ensurePlan(
  structure: TableStructure,
  client: SqlClient,
  dialect: SinkDialect,
  settings: PlanSettings,
  plan: WritePlan,
): Promise<void> {
  const { ignored } = await structure.ensure(client, plan.table, plan.columns, plan.keyColumns);
  if (ignored.length > 0) {
    const names = new Set(plan.columns.filter((c) => ignored.includes(c.name)).map((c) => c.name));
    const fieldNames = new Set(
      [...plan.fields.allFields.keys()].filter((f) =>
        names.has(settings.quoteIdentifiers ? f : dialect.foldIdentifier(f)),
      ),
    );
    const narrowed = buildPlan(
      dialect,
      { ...settings, ignoredFields: fieldNames },
      plan.table,
      plan.keySchema,
      plan.valueSchema,
    );
    Object.assign(plan, narrowed, { sql: new Map() });
  }
  plan.ensured = true;
}

/** The plans of each table, found by schema identity first and structural equality second. */
export class PlanCache {
  readonly #byTable = new Map<string, WritePlan[]>();

  find(
    tableKey: string,
    keySchema: Schema | undefined,
    valueSchema: Schema | undefined,
  ): WritePlan | undefined {
    const plans = this.#byTable.get(tableKey);
    if (!plans) return undefined;
    for (const plan of plans)
      if (plan.keySchema === keySchema && plan.valueSchema === valueSchema) return plan;
    for (const plan of plans) {
      if (schemaEquals(plan.keySchema, keySchema) && schemaEquals(plan.valueSchema, valueSchema)) return plan;
    }
    return undefined;
  }

  add(tableKey: string, plan: WritePlan): void {
    const plans = this.#byTable.get(tableKey) ?? [];
    // Schemas come and go; a handful per table is plenty.
    if (plans.length >= 16) plans.shift();
    plans.push(plan);
    this.#byTable.set(tableKey, plans);
  }

  /** Every table must be checked again before its next write. */
  unensureAll(): void {
    for (const plans of this.#byTable.values()) for (const plan of plans) plan.ensured = false;
  }
}

/** A record ready for SQL: its plan and its bound values, key columns first, then the others. */
export interface PreparedRecord {
  readonly record: SinkRecord;
  readonly plan: WritePlan;
  readonly isDelete: boolean;
  /** Key values, then (unless a delete) non-key values, as the driver binds them. */
  readonly row: unknown[];
}

/** Reads and binds a record's column values; the hot path of the sink, so fields are looked up once per plan. */
export function prepareRecord(
  plan: WritePlan,
  pkMode: PkMode,
  record: SinkRecord,
  isDelete: boolean,
): PreparedRecord {
  const k = plan.keyColumns.length;
  const row: unknown[] = new Array(isDelete ? k : k + plan.nonKeyColumns.length);
  switch (pkMode) {
    case 'none':
      break;
    case 'kafka':
      row[0] = record.topic;
      row[1] = record.kafkaPartition;
      row[2] = record.kafkaOffset;
      break;
    case 'record_key':
      if (record.key instanceof Struct) readFields(record.key, plan.keyFields, plan.keyBinders, row, 0);
      else if (record.key === null || record.key === undefined) throw missingKeyError(record);
      else row[0] = bind(plan.keyBinders[0], record.key);
      break;
    case 'record_value':
      readFields(structValue(record), plan.keyFields, plan.keyBinders, row, 0);
      break;
  }
  if (!isDelete && plan.valueFields.length > 0) {
    readFields(structValue(record), plan.valueFields, plan.nonKeyBinders, row, k);
  }
  return { record, plan, isDelete, row };
}

function readFields(
  struct: Struct,
  fields: readonly (Field | string)[],
  binders: readonly (ValueBinder | undefined)[],
  row: unknown[],
  at: number,
): void {
  for (let i = 0; i < fields.length; i++)
    row[at + i] = bind(binders[i], struct.get(fields[i] as Field | string));
}

function bind(binder: ValueBinder | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return binder ? binder(value) : value;
}
