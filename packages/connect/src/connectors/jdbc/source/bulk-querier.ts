import type { SqlClient } from '@msa-sync/sql';
import type { SourceRecord } from '../../../api/records.js';
import { bulkPage } from './source-queries.js';
import { TableQuerier } from './table-querier.js';

/**
 * mode=bulk (and mode=query): the whole table (or query) every poll.interval.ms, a page at a time
 * in primary key order. Records carry no position: every scan sends every row again.
 */
export class BulkQuerier extends TableQuerier {
  #offset = 0;

  protected async beginScan(): Promise<void> {
    this.#offset = 0;
  }

  protected async page(client: SqlClient): Promise<{ records: SourceRecord[]; done: boolean }> {
    const limit = this.settings.batchMaxRows;
    const rows = await this.run(client, bulkPage(this.shape, this.primaryKey, limit, this.#offset));
    this.#offset += rows.length;
    return { records: rows.map((row) => this.record(row, null)), done: rows.length < limit };
  }
}
