/**
 * The look-back's memory: which rows (by key) were sent with which timestamp, for the last
 * interval. A row the look-back finds under the cursor but not here, or here with another
 * timestamp, was committed after the cursor passed it: it is sent then, once.
 *
 * Memory is bounded. Past `maxRows` the oldest entries go, and `floor` (a cursor position)
 * rises past them: rows at or before the floor are taken as sent, so forgetting can shorten the
 * look-back but never send a row twice.
 */
export interface CursorPosition {
  ts: string;
  id?: unknown;
}

export class SentWindow {
  readonly #maxRows: number;
  /** key → cursor text of the timestamp it was sent with, oldest first. */
  readonly #sent = new Map<string, { ts: string; id: unknown }>();
  #floor: CursorPosition | undefined;

  constructor(maxRows: number, floor?: CursorPosition) {
    this.#maxRows = maxRows;
    this.#floor = floor;
  }

  get size(): number {
    return this.#sent.size;
  }

  /** Rows at or before this position count as sent (the restored offset, or forgotten rows). */
  get floor(): CursorPosition | undefined {
    return this.#floor;
  }

  wasSent(key: string, ts: string): boolean {
    return this.#sent.get(key)?.ts === ts;
  }

  add(key: string, ts: string, id?: unknown): void {
    this.#sent.delete(key);
    this.#sent.set(key, { ts, id });
    while (this.#sent.size > this.#maxRows) {
      const [oldest, entry] = this.#sent.entries().next().value as [string, { ts: string; id: unknown }];
      this.#sent.delete(oldest);
      this.#raiseFloor({ ts: entry.ts, id: entry.id });
    }
  }

  /** Forgets rows stamped before `from`: the look-back no longer reads that far. */
  prune(from: string): void {
    for (const [key, entry] of this.#sent) if (entry.ts < from) this.#sent.delete(key);
    if (this.#floor && this.#floor.ts < from) this.#floor = undefined;
  }

  #raiseFloor(position: CursorPosition): void {
    if (!this.#floor || comparePositions(position, this.#floor) > 0) this.#floor = position;
  }
}

/** Cursor texts compare as text (one fixed format); ids numerically. */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.id === undefined || b.id === undefined) return a.id === b.id ? 0 : a.id === undefined ? 1 : -1;
  const x = BigInt(String(a.id).split('.')[0] as string);
  const y = BigInt(String(b.id).split('.')[0] as string);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The map key of a row's key values. */
export function rowKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_k, v) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v,
  );
}
