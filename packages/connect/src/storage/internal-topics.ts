import {
  type Admin,
  type ClientSettings,
  type KafkaClients,
  kafkaClients,
  nestedErrorIds,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';

/** How long a topic just created may stay unknown to the broker answering metadata. */
const TOPIC_PROPAGATION_TIMEOUT_MS = 30_000;

/**
 * A created topic reaches every broker's metadata a moment later (longer on a loaded machine);
 * reading it before that answers UNKNOWN_TOPIC_OR_PARTITION, which must not end the worker.
 */
export async function untilKnown(admin: Admin, names: string[], logger: Logger): Promise<void> {
  const deadline = Date.now() + TOPIC_PROPAGATION_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.metadata({ topics: names, forceUpdate: true });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      logger.debug({ err: error, topics: names, attempt }, 'internal topics not in metadata yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_000)));
    }
  }
}

/**
 * Failures of a topic creation that a moment may cure, as Apache's TopicAdmin retries them: too
 * few brokers registered yet for the replication factor (a cluster still starting, or a broker
 * briefly fenced on a loaded machine), and timeouts.
 */
const RETRIABLE_CREATION_ERRORS = new Set([
  'INVALID_REPLICATION_FACTOR',
  'REQUEST_TIMED_OUT',
  'PLT_KFK_TIMEOUT',
]);

export interface CreateRetryOptions {
  /** Apache's default.api.timeout.ms. */
  timeoutMs?: number;
  /** Apache's retry.backoff.ms, doubled per attempt up to a second here. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Creates one compacted internal topic, retrying what {@link RETRIABLE_CREATION_ERRORS} holds. */
export async function createTopicWithRetry(
  admin: Pick<Admin, 'createTopics'>,
  topic: InternalTopicSpec,
  logger: Logger,
  options: CreateRetryOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.timeoutMs ?? 60_000);
  let backoff = options.backoffMs ?? 100;
  for (;;) {
    try {
      await admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        // -1: the broker's default.replication.factor
        replicas: topic.replicationFactor,
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      });
      return;
    } catch (error) {
      const ids = nestedErrorIds(error);
      const remaining = deadline - now();
      if (remaining <= 0 || !ids.some((id) => RETRIABLE_CREATION_ERRORS.has(id))) throw error;
      logger.info(
        { topic: topic.name, errors: ids, remainingMs: remaining },
        'internal topic creation failed; retrying',
      );
      await sleep(Math.min(backoff, remaining));
      backoff = Math.min(backoff * 2, 1_000);
    }
  }
}

export interface InternalTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
}

/**
 * Creates Connect's internal topics when missing, compacted as Connect requires: the latest
 * record per key is the state, and nothing may expire by time.
 */
export async function ensureInternalTopics(
  client: ClientSettings,
  topics: InternalTopicSpec[],
  logger: Logger,
  clients: KafkaClients = kafkaClients,
): Promise<void> {
  const admin = clients.createAdmin({ ...client, clientId: `${client.clientId}-admin` });
  admin.on('error', (error: unknown) => logger.warn({ err: error }, 'admin client error'));
  try {
    const existing = new Set(await admin.listTopics({ includeInternals: false }));
    const created: string[] = [];
    for (const topic of topics) {
      if (existing.has(topic.name)) continue;
      created.push(topic.name);
      logger.info({ topic: topic.name, partitions: topic.partitions }, 'creating internal topic');
      try {
        await createTopicWithRetry(admin, topic, logger);
      } catch (error) {
        // Another worker may have created it between our list and create.
        if (!(await admin.listTopics()).includes(topic.name)) throw error;
      }
    }
    if (created.length) await untilKnown(admin, created, logger);
  } finally {
    await admin.close().catch(() => {});
  }
}
