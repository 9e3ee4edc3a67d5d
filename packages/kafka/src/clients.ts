import {
  Admin,
  type ConsumeBaseOptions,
  Consumer,
  type Deserializers,
  type GroupOptions,
  type MessageToProduce,
  type ProduceResult,
  Producer,
  type ProducerOptions,
  type Serializers,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { assertClientPatched } from './client-patch-check.js';
import { UnconfirmedCommits, writtenPartitions } from './unconfirmed-commits.js';

/**
 * The one place that builds Kafka clients. Defaults are chosen so a missing broker fails fast
 * with a clear error (bounded connect time and retries) instead of hanging.
 */
export interface ClientSettings {
  bootstrapServers: readonly string[];
  clientId: string;
  /** Per-request timeout (ms). */
  requestTimeoutMs?: number;
  /** Connection attempt timeout (ms). */
  connectTimeoutMs?: number;
  /** How many times a failed request is retried. */
  retries?: number;
  retryDelayMs?: number;
}

function baseOptions(settings: ClientSettings) {
  assertClientPatched();
  return {
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.bootstrapServers],
    timeout: settings.requestTimeoutMs ?? 30_000,
    connectTimeout: settings.connectTimeoutMs ?? 5_000,
    retries: settings.retries ?? 3,
    retryDelay: settings.retryDelayMs ?? 250,
  };
}

export interface AdminSettings extends ClientSettings {
  metadataMaxAge?: number;
  /**
   * Check every call's options against the client's schema first. Without it the client trusts
   * the shape it is given, and a wrong one surfaces as a TypeError inside a socket callback: no
   * promise rejects, the caller waits forever (before the worker's last-resort handlers, the
   * process ended: issue 14, a sink's offsets PATCH). With it, the call rejects with a UserError.
   */
  strict?: boolean;
}

export function createAdmin(settings: AdminSettings): Admin {
  const { metadataMaxAge, strict, ...client } = settings;
  return new Admin({
    ...baseOptions(client),
    ...(metadataMaxAge === undefined ? {} : { metadataMaxAge }),
    ...(strict === undefined ? {} : { strict }),
  });
}

export type RawProducer = Producer<Buffer | undefined, Buffer | undefined, string, Buffer>;
export type RawConsumer = Consumer<Buffer | undefined, Buffer | undefined, string, Buffer>;

const bufferSerializers: Serializers<Buffer | undefined, Buffer | undefined, string, Buffer> = {
  key: (k) => k,
  value: (v) => v,
  headerKey: (k) => (k === undefined ? undefined : Buffer.from(k)),
  headerValue: (v) => v,
};

const bufferDeserializers: Deserializers<Buffer | undefined, Buffer | undefined, string, Buffer> = {
  key: (k) => k,
  value: (v) => v,
  headerKey: (k) => (k === undefined ? '' : k.toString('utf8')),
  headerValue: (v) => v ?? Buffer.alloc(0),
};

export type ProducerSettings = ClientSettings &
  Partial<
    Omit<
      ProducerOptions<Buffer | undefined, Buffer | undefined, string, Buffer>,
      'clientId' | 'bootstrapBrokers'
    >
  >;

/**
 * A bytes-in producer. Idempotent with acks=all unless told otherwise: a record the broker
 * acknowledged is on every in-sync replica, and retries never write it twice. Sends go through
 * {@link SequencedProducer}, see there why.
 */
export function createProducer(settings: ProducerSettings): KafkaProducer {
  return new SequencedProducer(() => createRawProducer(settings));
}

/**
 * Like {@link createProducer}, but every merged request is one Kafka transaction: the records of
 * one send() (even across topics) become visible to read_committed consumers together or not at
 * all. A plain multi-partition produce is not atomic: a broker stopping mid-request can append
 * some partitions' records and not others. `transactionalId` should be stable per producing
 * instance, so a restarted instance fences (and aborts) its predecessor's open transaction; an
 * abandoned transaction otherwise blocks read_committed readers until the transaction timeout
 * (the client sends its request timeout as that).
 */
export function createTransactionalProducer(
  settings: ProducerSettings & { transactionalId: string },
  options: {
    resendUnconfirmedAfterFailure?: boolean;
    onResend?: (records: number) => void;
    /** See SequencedProducer: how long a send may wait for others to share its transaction. */
    lingerMs?: number;
    maxBatchMessages?: number;
  } = {},
): KafkaProducer {
  return new SequencedProducer(() => createRawProducer(settings), { transactional: true, ...options });
}

/** The client's own producer, for what the wrapper does not cover (e.g. transactions with consumer offsets). */
export function createRawProducer(settings: ProducerSettings): RawProducer {
  const { bootstrapServers, clientId, requestTimeoutMs, connectTimeoutMs, retries, retryDelayMs, ...rest } =
    settings;
  return new Producer({
    ...baseOptions({ bootstrapServers, clientId, requestTimeoutMs, connectTimeoutMs, retries, retryDelayMs }),
    idempotent: true,
    acks: -1,
    serializers: bufferSerializers,
    // The client asks for a producer id with id 0 / epoch 0 unless told otherwise; for a
    // transactional id the broker already knows, that reads as a stale epoch and the new
    // producer is fenced at once. -1/-1 asks for the id of that transactional id, epoch bumped.
    ...(rest.transactionalId
      ? {
          producerId: -1n,
          producerEpoch: -1,
          retryDelay: transactionRetryDelay(settings.retryDelayMs ?? 250),
        }
      : {}),
    ...rest,
  });
}

/** The first back-off after CONCURRENT_TRANSACTIONS; later ones wait the configured delay. */
const CONCURRENT_TRANSACTIONS_RETRY_MS = 10;

/**
 * Back-offs of a transaction's first AddPartitionsToTxn after CONCURRENT_TRANSACTIONS: the
 * coordinator still writes this producer's own previous commit markers, which takes a millisecond
 * or two on a local broker. The last retry, whatever the retry count, waits twice the configured
 * delay, so a loaded broker gets at least the time it had before (order-service has 2 retries:
 * 2 ms then 400 ms, where it had 10 ms then 200 ms).
 */
const ADD_PARTITIONS_BACKOFF_MS = [2, 10] as const;

/**
 * The coordinator answers CONCURRENT_TRANSACTIONS to the first request of a transaction while it
 * still writes the previous commit's markers, a matter of milliseconds. With the normal back-off
 * (200 ms in order-service) every transaction after the first waited that long (measured: 204 ms
 * instead of 7 ms per begin/send/commit). In a loop of 1,000-record transactions, a 10 ms first
 * back-off still made the median send 7-17 ms; 2 ms then 10 ms made it 7.3 ms (bench/RESULTS.md).
 * Other operations (InitProducerId while a fenced producer's transaction is aborted can take
 * longer) retry quickly once, then at the configured delay: the number of retries is fixed.
 */
export function transactionRetryDelay(delayMs: number) {
  return (_client: unknown, operation: string, attempt: number, retries: number, error: Error): number => {
    const concurrent = (error as { findBy?: (property: string, value: unknown) => unknown }).findBy?.(
      'apiId',
      'CONCURRENT_TRANSACTIONS',
    );
    if (!concurrent) return delayMs;
    if (operation === 'addPartitionsToTransaction') {
      if (attempt >= retries) return 2 * delayMs;
      return ADD_PARTITIONS_BACKOFF_MS[attempt - 1] ?? delayMs;
    }
    return attempt === 1 ? CONCURRENT_TRANSACTIONS_RETRY_MS : delayMs;
  };
}

export type OutgoingMessage = MessageToProduce<Buffer | undefined, Buffer | undefined, string, Buffer>;

export interface KafkaProducer {
  /** Resolves once the broker acknowledged every message (acks=all by default). */
  send(options: { messages: OutgoingMessage[] }): Promise<ProduceResult>;
  close(): Promise<void>;
}

/**
 * One produce request in flight per producer; everything sent meanwhile rides in the next request.
 *
 * Why: @platformatic/kafka 1.35 numbers idempotent batches from a counter it advances only when a
 * response arrives, so two concurrent send() calls to one partition carry the same sequence
 * number, and the broker acknowledges the second as a duplicate of the first: its records are
 * silently dropped (measured: 20 concurrent sends acknowledged, 1 record in the topic; see
 * kafka-clients.test in test/kafka). Serialising restores the guarantee, and batching the waiting
 * sends keeps the throughput. After a failed request the producer is replaced (new producer id),
 * because the client would reuse the failed request's sequence numbers for different records.
 */
type QueuedSend = {
  messages: OutgoingMessage[];
  resolve: (r: ProduceResult) => void;
  reject: (e: unknown) => void;
  /** performance.now() when send() was called: the linger counts from the oldest waiting send. */
  at: number;
};

export class SequencedProducer implements KafkaProducer {
  readonly #create: () => RawProducer;
  #producer: RawProducer;
  #queue: QueuedSend[] = [];
  /** Messages in #queue, to know when a batch is full. */
  #queuedMessages = 0;
  #pumping = false;
  readonly #lingerMs: number;
  /** Ends the current linger early (a full batch, or close). */
  #lingerEnd: (() => void) | undefined;
  #closed = false;
  readonly #maxBatch: number;
  readonly #transactional: boolean;
  /** Set when recently committed records are sent again after a failure (see UnconfirmedCommits). */
  readonly #unconfirmed: UnconfirmedCommits<OutgoingMessage> | undefined;
  #resendDue = false;
  #resendTimer: NodeJS.Timeout | undefined;
  readonly #resendDelayMs: number;
  readonly #onResend: ((records: number) => void) | undefined;

  /**
   * `transactional`: each merged request is begin, send, commit on a producer built with a
   * transactional id. On any failure every send of that merge fails and the producer is dropped;
   * its replacement, initialising with the same transactional id, makes the broker abort the
   * open transaction, so none of the merge's records become visible to read_committed readers.
   *
   * `resendUnconfirmedAfterFailure` (transactional only, for readers idempotent by key): after a
   * failure, the replacement's first transaction carries again the committed records whose
   * partitions saw no later commit (UnconfirmedCommits says why: Kafka can leave an acknowledged
   * commit without markers, and the abort that follows a failure would discard it). It runs
   * `resendDelayMs` after the failure even when nothing else is sent, and again after each
   * failure until it commits.
   *
   * `lingerMs` (Kafka's `linger.ms`): a merge waits until its oldest send has waited this long,
   * or until `maxBatchMessages` messages are waiting, before it goes out, so more sends share one
   * request (for a transactional producer: one transaction, whose fixed cost at the coordinator
   * and in commit markers on every partition is most of the broker's work per order). 0 (the
   * default) sends as soon as the previous request is answered.
   */
  constructor(
    create: () => RawProducer,
    options: {
      maxBatchMessages?: number;
      lingerMs?: number;
      transactional?: boolean;
      resendUnconfirmedAfterFailure?: boolean;
      resendDelayMs?: number;
      /** Told how many records were sent again, once their transaction committed. */
      onResend?: (records: number) => void;
    } = {},
  ) {
    this.#create = create;
    this.#producer = create();
    this.#maxBatch = options.maxBatchMessages ?? 16_384;
    this.#lingerMs = options.lingerMs ?? 0;
    this.#transactional = options.transactional ?? false;
    this.#unconfirmed =
      this.#transactional && options.resendUnconfirmedAfterFailure ? new UnconfirmedCommits() : undefined;
    this.#resendDelayMs = options.resendDelayMs ?? 1000;
    this.#onResend = options.onResend;
  }

  send(options: { messages: OutgoingMessage[] }): Promise<ProduceResult> {
    if (this.#closed) return Promise.reject(new Error('Producer is closed'));
    return new Promise((resolve, reject) => {
      this.#enqueue({ messages: options.messages, resolve, reject, at: performance.now() });
    });
  }

  #enqueue(entry: QueuedSend): void {
    this.#queue.push(entry);
    this.#queuedMessages += entry.messages.length;
    if (this.#queuedMessages >= this.#maxBatch) this.#lingerEnd?.();
    void this.#pump();
  }

  #dequeue(): QueuedSend {
    const entry = this.#queue.shift() as QueuedSend;
    this.#queuedMessages -= entry.messages.length;
    return entry;
  }

  /** Waits out the linger of the oldest waiting send, unless a full batch is waiting. */
  async #linger(): Promise<void> {
    const oldest = this.#queue[0];
    if (!oldest || this.#closed || this.#queuedMessages >= this.#maxBatch) return;
    const left = oldest.at + this.#lingerMs - performance.now();
    if (left < 1) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#lingerEnd?.(), left);
      this.#lingerEnd = () => {
        this.#lingerEnd = undefined;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        if (this.#lingerMs > 0) await this.#linger();
        const batch = [this.#dequeue()];
        let count = batch[0]?.messages.length ?? 0;
        while (this.#queue.length > 0 && count + (this.#queue[0]?.messages.length ?? 0) <= this.#maxBatch) {
          const next = this.#dequeue();
          count += next.messages.length;
          batch.push(next);
        }
        const fresh = batch.flatMap((entry) => entry.messages);
        const resent = this.#resendDue ? (this.#unconfirmed?.messages() ?? []) : [];
        const messages = resent.length > 0 ? [...resent, ...fresh] : fresh;
        try {
          const result = messages.length > 0 ? await this.#sendMerged(messages) : {};
          if (this.#unconfirmed) {
            if (this.#resendDue) this.#unconfirmed.clear();
            this.#unconfirmed.committed(messages, writtenPartitions(result));
          }
          this.#resendDue = false;
          if (resent.length > 0) this.#onResend?.(resent.length);
          for (const entry of batch) entry.resolve(result);
        } catch (error) {
          for (const entry of batch) entry.reject(error);
          if ((this.#unconfirmed?.size ?? 0) > 0) this.#scheduleResend();
          const failed = this.#producer;
          this.#producer = this.#create();
          // Abort a transaction left open, without holding up the queue: until it ends (abort,
          // or fencing by the replacement), read_committed readers of its partitions wait.
          const open = failed.transaction;
          // Through a promise: a client that throws synchronously from abort() must not end the loop.
          const ended =
            open && !open.completed
              ? Promise.resolve()
                  .then(() => open.abort())
                  .catch(() => {})
              : Promise.resolve();
          void ended.finally(() => failed.close(true, () => {}));
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Sends the unconfirmed records again soon, with the next orders or alone. */
  #scheduleResend(): void {
    this.#resendDue = true;
    if (this.#resendTimer || this.#closed) return;
    this.#resendTimer = setTimeout(() => {
      this.#resendTimer = undefined;
      if (!this.#resendDue || this.#closed) return;
      // An empty send: the merge adds the records to send again.
      this.#enqueue({ messages: [], resolve: () => {}, reject: () => {}, at: performance.now() });
    }, this.#resendDelayMs);
    this.#resendTimer.unref?.();
  }

  async #sendMerged(messages: OutgoingMessage[]): Promise<ProduceResult> {
    if (!this.#transactional) return this.#producer.send({ messages });
    const transaction = await this.#producer.beginTransaction();
    const result = await transaction.send({ messages });
    await transaction.commit();
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#resendTimer);
    // What waits is sent now, not after its linger.
    this.#lingerEnd?.();
    while (this.#pumping) await new Promise((r) => setTimeout(r, 5));
    await this.#producer.close();
  }
}

export type ConsumerSettings = ClientSettings & { groupId: string } & Partial<
    ConsumeBaseOptions<Buffer | undefined, Buffer | undefined, string, Buffer> & GroupOptions
  >;

/** A bytes-out consumer in a group; commit policy is the caller's. */
export function createConsumer(settings: ConsumerSettings): RawConsumer {
  const { bootstrapServers, clientId, requestTimeoutMs, connectTimeoutMs, retries, retryDelayMs, ...rest } =
    settings;
  return new Consumer({
    ...baseOptions({ bootstrapServers, clientId, requestTimeoutMs, connectTimeoutMs, retries, retryDelayMs }),
    deserializers: bufferDeserializers,
    ...rest,
  });
}

export { stringDeserializers, stringSerializers };
