import type { Schema } from '../../data/index.js';

/**
 * Parsed schemas by the exact text of their JSON, keeping the most recently used `capacity` of
 * them (Connect's `schemas.cache.size`, an LRU cache keyed by the schema's JSON tree).
 */
export class SchemaCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, Schema | null>();

  constructor(capacity: number) {
    this.#capacity = Math.max(0, capacity);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(text: string): Schema | null | undefined {
    const schema = this.#entries.get(text);
    if (schema !== undefined && this.#entries.size > 1) {
      // Move to the most recent end.
      this.#entries.delete(text);
      this.#entries.set(text, schema);
    }
    return schema;
  }

  set(text: string, schema: Schema | null): void {
    if (this.#capacity === 0) return;
    this.#entries.delete(text);
    this.#entries.set(text, schema);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
