import { KafkaBasedLog } from '@msa-sync/connect/kafka-based-log';
import type { ClientSettings } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { PriceBook } from './price-book.js';

const RETRY_MS = 2000;

/**
 * Reads `catalog-prices` into a PriceBook from the beginning, outside any consumer group (every
 * instance needs every price), and keeps reading. Starts in the background and retries while
 * Kafka or the topic is missing; the book is marked ready once the topic was read to its end.
 */
export class PriceFeed {
  readonly #log: KafkaBasedLog;
  readonly #logger: Logger;
  readonly #book: PriceBook;
  #running = false;
  #starting: Promise<void> | undefined;

  constructor(client: ClientSettings, topic: string, book: PriceBook, logger: Logger) {
    this.#book = book;
    this.#logger = logger;
    this.#log = new KafkaBasedLog({
      topic,
      client: { ...client, clientId: `${client.clientId}-prices` },
      logger,
      onRecord: (record) => book.apply(record.key, record.value),
    });
  }

  start(): void {
    this.#running = true;
    this.#starting = this.#startLoop();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#starting;
    await this.#log.stop().catch(() => {});
  }

  /** Resolves true once the book can price orders, false if `timeoutMs` passed first. */
  async whenReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#book.ready && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.#book.ready;
  }

  async #startLoop(): Promise<void> {
    let warned = false;
    while (this.#running) {
      try {
        await this.#log.start();
        this.#book.markCaughtUp();
        this.#logger.info({ topic: this.#log.topic, products: this.#book.size }, 'catalog prices loaded');
        return;
      } catch (error) {
        if (!warned) this.#logger.warn({ err: error }, 'cannot read catalog prices yet; retrying');
        warned = true;
        await this.#log.stop().catch(() => {});
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }
}
