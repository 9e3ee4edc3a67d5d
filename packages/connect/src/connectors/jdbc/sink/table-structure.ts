import type { Logger } from 'pino';
import type { TableDescription, TableId } from '../dialect/database-dialect.js';
import type { SqlClient } from '../dialect/sql-client.js';
import type { SinkColumn } from './fields-metadata.js';
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
}

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
  ): Promise<TableDescription> {
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
    if (this.#missing(table, columns).length === 0) return table;
    table = (await this.#describe(client, id, true)) ?? table;
    const missing = this.#missing(table, columns);
    if (missing.length === 0) return table;
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
      return table;
    }
    return (await this.#describe(client, id, true)) ?? table;
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
