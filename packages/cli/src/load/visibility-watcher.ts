import type { ShopDatabase } from '../shop-database.js';
import { summarize } from './percentiles.js';

export interface VisibilitySummary {
  p50: number;
  p99: number;
  max: number;
  count: number;
  notYetVisible: number;
}

/**
 * Watches the shared database for acknowledged orders becoming rows: every `intervalMs` it asks
 * for the pending ids (in batches) and reports each found one once. The time recorded is when
 * the finding query was sent, so it is at most one poll late. A database that fails is retried
 * at the next poll: the run goes on.
 */
export class VisibilityWatcher {
  readonly #db: ShopDatabase;
  readonly #table: string;
  readonly #intervalMs: number;
  readonly #onVisible: (orderId: string, visibleAt: number) => void;
  readonly #pending = new Map<string, number>();
  readonly #delays: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #stopped = false;
  errors = 0;
  lastError: string | undefined;

  constructor(
    db: ShopDatabase,
    onVisible: (orderId: string, visibleAt: number) => void,
    options: { table?: string; intervalMs?: number } = {},
  ) {
    this.#db = db;
    this.#onVisible = onVisible;
    this.#table = options.table ?? 'orders';
    this.#intervalMs = options.intervalMs ?? 40;
  }

  get pending(): number {
    return this.#pending.size;
  }

  get visible(): number {
    return this.#delays.length;
  }

  /** 201 → row delays (ms) of the rows seen since the first `from` were. */
  delaysSince(from: number): number[] {
    return this.#delays.slice(from);
  }

  start(): void {
    this.#schedule();
  }

  expect(orderId: string, ackedAt: number): void {
    this.#pending.set(orderId, ackedAt);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll().finally(() => this.#schedule());
    }, this.#intervalMs);
  }

  async #poll(): Promise<void> {
    if (this.#pending.size === 0) return;
    const ids = [...this.#pending.keys()];
    const at = Date.now();
    try {
      const rows = await this.#db.queryIn<{ order_id: string }>(
        ids,
        (inList) =>
          `SELECT ${this.#db.id('order_id')} AS order_id FROM ${this.#db.id(this.#table)} WHERE ${this.#db.id('order_id')} IN ${inList}`,
      );
      for (const row of rows) {
        const orderId = String(row.order_id);
        const ackedAt = this.#pending.get(orderId);
        if (ackedAt === undefined) continue;
        this.#pending.delete(orderId);
        // A row seen before its 201 was processed is visible "at" the ack, never before it.
        const visibleAt = Math.max(at, ackedAt);
        this.#delays.push(visibleAt - ackedAt);
        this.#onVisible(orderId, visibleAt);
      }
    } catch (error) {
      this.errors++;
      this.lastError = (error as Error).message;
    }
  }

  /** Keeps watching until nothing is pending or `graceMs` passed, then stops. */
  async finish(graceMs: number): Promise<VisibilitySummary> {
    const deadline = Date.now() + graceMs;
    while (this.#pending.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(this.#intervalMs, 50)));
    }
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
    const { p50, p99, max, count } = summarize(this.#delays);
    return { p50, p99, max, count, notYetVisible: this.#pending.size };
  }
}
