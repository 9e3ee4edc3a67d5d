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
  return {
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.bootstrapServers],
    timeout: settings.requestTimeoutMs ?? 30_000,
    connectTimeout: settings.connectTimeoutMs ?? 5_000,
    retries: settings.retries ?? 3,
    retryDelay: settings.retryDelayMs ?? 250,
  };
}

export function createAdmin(settings: ClientSettings): Admin {
  return new Admin(baseOptions(settings));
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

/** The client's own producer, for what the wrapper does not cover (transactions). */
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
    ...(rest.transactionalId ? { producerId: -1n, producerEpoch: -1 } : {}),
    ...rest,
  });
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
};

export class SequencedProducer implements KafkaProducer {
  readonly #create: () => RawProducer;
  #producer: RawProducer;
  #queue: QueuedSend[] = [];
  #pumping = false;
  #closed = false;
  readonly #maxBatch: number;

  constructor(create: () => RawProducer, maxBatchMessages = 16_384) {
    this.#create = create;
    this.#producer = create();
    this.#maxBatch = maxBatchMessages;
  }

  send(options: { messages: OutgoingMessage[] }): Promise<ProduceResult> {
    if (this.#closed) return Promise.reject(new Error('Producer is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ messages: options.messages, resolve, reject });
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const batch = [this.#queue.shift() as QueuedSend];
        let count = batch[0]?.messages.length ?? 0;
        while (this.#queue.length > 0 && count + (this.#queue[0]?.messages.length ?? 0) <= this.#maxBatch) {
          const next = this.#queue.shift() as QueuedSend;
          count += next.messages.length;
          batch.push(next);
        }
        try {
          const result = await this.#producer.send({ messages: batch.flatMap((entry) => entry.messages) });
          for (const entry of batch) entry.resolve(result);
        } catch (error) {
          for (const entry of batch) entry.reject(error);
          const failed = this.#producer;
          this.#producer = this.#create();
          failed.close(true, () => {});
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
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
