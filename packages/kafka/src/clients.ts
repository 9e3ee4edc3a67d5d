import {
  Admin,
  type ConsumeBaseOptions,
  Consumer,
  type Deserializers,
  type GroupOptions,
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
 * acknowledged is on every in-sync replica, and retries never write it twice.
 */
export function createProducer(settings: ProducerSettings): RawProducer {
  const { bootstrapServers, clientId, requestTimeoutMs, connectTimeoutMs, retries, retryDelayMs, ...rest } =
    settings;
  return new Producer({
    ...baseOptions({ bootstrapServers, clientId, requestTimeoutMs, connectTimeoutMs, retries, retryDelayMs }),
    idempotent: true,
    acks: -1,
    serializers: bufferSerializers,
    ...rest,
  });
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
