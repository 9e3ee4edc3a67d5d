/**
 * Runs many small writes as one statement. Items handed in during the same turn of the event
 * loop, or while the previous statement is still out, go together in the next one: under load
 * many requests finish at once (one Kafka transaction acknowledges several orders), and one
 * statement for all of them costs the database and the socket one round trip instead of one
 * each. When idle an item waits only for the end of the current turn.
 *
 * One statement is out at a time; a failed statement fails every item it carried (each caller
 * sees the error, as it would have with a statement of its own).
 */
export class StatementBatcher<T> {
  readonly #run: (items: T[]) => Promise<void>;
  readonly #maxItems: number;
  #waiting: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running = false;
  #scheduled = false;

  constructor(run: (items: T[]) => Promise<void>, maxItems: number) {
    if (!(maxItems >= 1)) throw new RangeError('maxItems must be at least 1');
    this.#run = run;
    this.#maxItems = maxItems;
  }

  /** Resolves once the statement carrying `item` succeeded. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#running || this.#waiting.length === 0) return;
    this.#running = true;
    const batch = this.#waiting.splice(0, this.#maxItems);
    try {
      await this.#run(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.#running = false;
      if (this.#waiting.length > 0) this.#schedule();
    }
  }
}
