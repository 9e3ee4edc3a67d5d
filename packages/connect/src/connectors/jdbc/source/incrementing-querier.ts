import type { SqlClient } from '@msa-sync/sql';
import type { SourceRecord } from '../../../api/records.js';
import { incrementingNumber, offsetOf, positionOf } from './source-offsets.js';
import { incrementingPage } from './source-queries.js';
import { JdbcSourceError, type QuerierOptions, TableQuerier } from './table-querier.js';

/**
 * mode=incrementing: rows whose incrementing column is past the last one sent, in that order,
 * a page at a time. The offset is the last id sent, so a restart neither repeats nor skips a row
 * that was committed in id order. Rows committed later with a lower id (a slow transaction that
 * took its id early) are not seen, as with Confluent's: use timestamp+incrementing for those.
 */
export class IncrementingQuerier extends TableQuerier {
  #column = '';
  #after: unknown;

  constructor(options: QuerierOptions) {
    super(options);
    this.#after = positionOf(options.storedOffset).incrementing;
  }

  protected async beginScan(): Promise<void> {
    this.#column = this.incrementingColumnName();
  }

  protected async page(client: SqlClient): Promise<{ records: SourceRecord[]; done: boolean }> {
    const limit = this.settings.batchMaxRows;
    const rows = await this.run(client, incrementingPage(this.shape, this.#column, this.#after, limit));
    const records = rows.map((row) => {
      const id = row[this.#column];
      if (id === null || id === undefined) {
        throw new JdbcSourceError(
          `Null value for incrementing column '${this.#column}' in ${this.description}`,
        );
      }
      this.#after = id;
      return this.record(row, offsetOf({ incrementing: incrementingNumber(id) }));
    });
    return { records, done: rows.length < limit };
  }
}
