import type { ColumnDescription, Row } from '@msa-sync/sql';
import type { Logger } from 'pino';
import { DataError } from '../../../data/data-error.js';
import type { Schema } from '../../../data/schema.js';
import { SchemaBuilder } from '../../../data/schema-builder.js';
import { Struct } from '../../../data/struct.js';
import { type ColumnMapping, columnMapping, type MappingOptions } from './column-types.js';
import type { SourceDialect } from './source-dialect.js';

/**
 * Rows of one table (or custom query) as Connect structs: a struct schema named after the table
 * (Confluent's source names it so; a custom query's struct has no name), one field per column in
 * column order, optional iff the column is nullable. Columns without a Connect type are left out
 * with a warning, as Confluent's connector does.
 */
export class RowMapper {
  readonly schema: Schema;
  /** Columns read, in field order. */
  readonly columns: readonly string[];
  readonly #mappings: readonly ColumnMapping[];
  readonly #where: string;
  /** What the mapper was built from, to notice when the table changes. */
  readonly signature: string;

  constructor(
    columns: readonly ColumnDescription[],
    dialect: SourceDialect,
    options: MappingOptions & { schemaName: string | undefined; where: string; log: Logger },
  ) {
    const builder = SchemaBuilder.struct();
    if (options.schemaName !== undefined) builder.name(options.schemaName);
    const read: string[] = [];
    const mappings: ColumnMapping[] = [];
    for (const column of columns) {
      const type = dialect.columnType(column);
      if (!type) {
        options.log.warn(
          { column: column.name, type: column.declaredType, source: options.where },
          'column type not supported by Connect: the column is left out of the records',
        );
        continue;
      }
      const mapping = columnMapping(type, column.nullable, options);
      builder.field(column.name, mapping.schema);
      read.push(column.name);
      mappings.push(mapping);
    }
    this.schema = builder.build();
    this.columns = read;
    this.#mappings = mappings;
    this.#where = options.where;
    this.signature = signatureOf(columns);
  }

  toStruct(row: Row): Struct {
    const values = new Array<unknown>(this.columns.length);
    for (let i = 0; i < values.length; i++) {
      const column = this.columns[i] as string;
      try {
        values[i] = (this.#mappings[i] as ColumnMapping).convert(row[column]);
      } catch (error) {
        throw new DataError(`Column '${column}' of ${this.#where}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return Struct.fromValidValues(this.schema, values);
  }
}

export function signatureOf(columns: readonly ColumnDescription[]): string {
  return JSON.stringify(columns.map((c) => [c.name, c.declaredType, c.nullable, c.precision, c.scale]));
}
