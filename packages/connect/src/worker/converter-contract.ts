import type { Schema } from '../data/schema.js';

/** What the worker needs from a key, value or header converter. */
export interface RecordConverter {
  fromConnectData(topic: string, schema: Schema | null | undefined, value: unknown): Buffer | null;
  toConnectData(topic: string, bytes: Buffer | null): { schema: Schema | null | undefined; value: unknown };
}
