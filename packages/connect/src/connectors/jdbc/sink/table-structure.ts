import type { ColumnDescription, SqlClient, TableDescription, TableId } from '@msa-sync/sql';
import type { Logger } from 'pino';
import type { SinkColumn } from './fields-metadata.js';
import type { UnknownFieldsPolicy } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';

/** The table cannot be made to fit the records (missing and not auto-created, cannot evolve...). */
export class TableAlterOrCreateError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TableAlterOrCreateException';
  }
}

export interface StructureSettings {
  autoCreate: boolean;
  autoEvolve: boolean;
  /** Fields without a column: add them, leave them out, or fail (default: add when auto.evolve). */
  unknownFields?: UnknownFieldsPolicy;
}

/** What ensure() found: the table, and the fields it has no column for that are left out. */
export interface EnsuredTable {
  table: TableDescription;
  ignored: readonly string[];
}

/** Integer and floating point column types by width, for widening (never narrowing). */
const INTEGER_RANK: Record<string, number> = {
  tinyint: 1,
  smallint: 2,
  mediumint: 3,
  int: 4,
  integer: 4,
  bigint: 5,
};
const FLOAT_RANK: Record<string, number> = { float: 1, real: 1, double: 2, 'double precision': 2 };
const SCHEMA_INTEGER_RANK: Record<string, number> = { int8: 1, int16: 2, int32: 4, int64: 5 };
const SCHEMA_FLOAT_RANK: Record<string, number> = { float32: 1, float64: 2 };

/**
 * Makes sure a table exists with a column for every field (Confluent's DbStructure): creates it
 * when auto.create allows, adds missing columns when auto.evolve allows and the field is optional
 * or has a default. Descriptions are cached and read again before any change, so several tasks
 * creating or evolving the same table agree.
 */
export class TableStructure {
  readonly #dialect: SinkDialect;
  readonly #settings: StructureSettings;
  readonly #log: Logger;
  readonly #cache = new Map<string, TableDescription>();

  constructor(dialect: SinkDialect, settings: StructureSettings, log: Logger) {
    this.#dialect = dialect;
    this.#settings = settings;
    this.#log = log;
  }

  /** Forgets what is known of the tables (after a failed write the table may have changed). */
  invalidate(): void {
    this.#cache.clear();
  }

  /** `keys` are the primary key columns in key order. */
  async ensure(
    client: SqlClient,
    id: TableId,
    columns: readonly SinkColumn[],
    keys: readonly string[],
  ): Promise<EnsuredTable> {
    const name = this.#dialect.table(id);
    let table = await this.#describe(client, id, false);
    if (!table) {
      if (!this.#settings.autoCreate) {
        throw new TableAlterOrCreateError(`Table ${name} is missing and auto-creation is disabled`);
      }
      this.#log.info({ table: name }, 'creating table');
      try {
        await client.execute(this.#dialect.createTable(id, columns, keys));
      } catch (error) {
        // Another task may have created it at the same moment: only fail if it is still missing.
        table = await this.#describe(client, id, true);
        if (!table)
          throw new TableAlterOrCreateError(`Creating table ${name} failed: ${messageOf(error)}`, {
            cause: error,
          });
      }
      table = await this.#describe(client, id, true);
      if (!table) throw new TableAlterOrCreateError(`Table ${name} was created but cannot be found`);
    }
    if (this.#missing(table, columns).length === 0) return this.#widened(client, id, table, columns);
    table = (await this.#describe(client, id, true)) ?? table;
    const missing = this.#missing(table, columns);
    if (missing.length === 0) return this.#widened(client, id, table, columns);
    const policy = this.#settings.unknownFields ?? (this.#settings.autoEvolve ? 'add' : 'fail');
    if (policy === 'ignore') {
      const key = missing.find((c) => c.isPrimaryKey);
      if (key) {
        throw new TableAlterOrCreateError(
          `Table ${name} has no column for key field ${key.name}, and a key field cannot be ignored`,
        );
      }
      this.#log.info(
        { table: name, fields: missing.map((c) => c.name) },
        'fields without a column are not written',
      );
      const kept = columns.filter((c) => !missing.includes(c));
      return { ...(await this.#widened(client, id, table, kept)), ignored: missing.map((c) => c.name) };
    }
    if (policy === 'fail' && this.#settings.autoEvolve) {
      throw new TableAlterOrCreateError(
        `Table ${name} is missing fields (${missing.map((c) => c.name).join(', ')}) and schema.evolution.unknown.fields is fail`,
      );
    }
    if (!this.#settings.autoEvolve) {
      throw new TableAlterOrCreateError(
        `Table ${name} is missing fields (${missing.map((c) => c.name).join(', ')}) and auto-evolution is disabled`,
      );
    }
    for (const column of missing) {
      if (column.isPrimaryKey) {
        throw new TableAlterOrCreateError(
          `Cannot ALTER TABLE ${name} to add missing field ${column.name}, as it is part of the primary key`,
        );
      }
      if (
        !column.schema.optional &&
        (column.schema.defaultValue === undefined || column.schema.defaultValue === null)
      ) {
        throw new TableAlterOrCreateError(
          `Cannot ALTER TABLE ${name} to add missing field ${column.name}, as the field is not optional and does not have a default value`,
        );
      }
    }
    this.#log.info({ table: name, columns: missing.map((c) => c.name) }, 'adding columns');
    try {
      for (const sql of this.#dialect.addColumns(id, missing)) await client.execute(sql);
    } catch (error) {
      table = await this.#describe(client, id, true);
      if (!table || this.#missing(table, columns).length > 0) {
        throw new TableAlterOrCreateError(`Adding columns to table ${name} failed: ${messageOf(error)}`, {
          cause: error,
        });
      }
      return this.#widened(client, id, table, columns);
    }
    return this.#widened(client, id, (await this.#describe(client, id, true)) ?? table, columns);
  }

  /** The table's description, cached (`fresh` reads it again). */
  describe(client: SqlClient, id: TableId, fresh = false): Promise<TableDescription | undefined> {
    return this.#describe(client, id, fresh);
  }

  /**
   * Widens a column to a type (VARCHAR(n) → TEXT for a longer value...) when auto.evolve allows;
   * returns the table as it is afterwards.
   */
  async widen(
    client: SqlClient,
    id: TableId,
    column: ColumnDescription,
    sqlType: string,
  ): Promise<TableDescription | undefined> {
    const sql = await this.#dialect.db.widenColumnSql(client, id, column, sqlType);
    if (sql) {
      this.#log.info(
        { table: this.#dialect.table(id), column: column.name, from: column.declaredType, to: sqlType },
        'widening column',
      );
      await client.execute(sql);
    }
    return this.#describe(client, id, true);
  }

  /** Integer and float columns narrower than their fields' types are widened (auto.evolve; never narrowed). */
  async #widened(
    client: SqlClient,
    id: TableId,
    table: TableDescription,
    columns: readonly SinkColumn[],
  ): Promise<EnsuredTable> {
    if (!this.#settings.autoEvolve || !this.#dialect.db.widensColumns) return { table, ignored: [] };
    const changes: [ColumnDescription, string][] = [];
    for (const column of columns) {
      const existing = table.columns.find((col) => this.#dialect.sameColumn(col.name, column.name));
      if (existing && narrower(existing, column)) changes.push([existing, this.#dialect.sqlType(column)]);
    }
    if (changes.length === 0) return { table, ignored: [] };
    let widened: TableDescription | undefined = table;
    for (const [existing, type] of changes) widened = await this.widen(client, id, existing, type);
    return { table: widened ?? table, ignored: [] };
  }

  #missing(table: TableDescription, columns: readonly SinkColumn[]): SinkColumn[] {
    return columns.filter((c) => !table.columns.some((col) => this.#dialect.sameColumn(col.name, c.name)));
  }

  async #describe(client: SqlClient, id: TableId, fresh: boolean): Promise<TableDescription | undefined> {
    const key = JSON.stringify([id.catalog ?? null, id.schema ?? null, id.table]);
    if (!fresh) {
      const cached = this.#cache.get(key);
      if (cached) return cached;
    }
    const table = await this.#dialect.db.describeTable(client, id);
    if (table) this.#cache.set(key, table);
    else this.#cache.delete(key);
    return table;
  }
}

/** The column's integer or float type is narrower than the field's (same family only). */
function narrower(column: ColumnDescription, field: SinkColumn): boolean {
  if (field.schema.logical) return false;
  const type = column.typeName;
  const intField = SCHEMA_INTEGER_RANK[field.schema.type];
  const intColumn = INTEGER_RANK[type];
  if (intField !== undefined && intColumn !== undefined) {
    // MariaDB's BOOLEAN is TINYINT(1): a flag column, not a number to widen.
    return intField > intColumn && !column.declaredType.startsWith('tinyint(1)');
  }
  const floatField = SCHEMA_FLOAT_RANK[field.schema.type];
  const floatColumn = FLOAT_RANK[type];
  return floatField !== undefined && floatColumn !== undefined && floatField > floatColumn;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
