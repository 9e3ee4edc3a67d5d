import { type ClientSettings, createAdmin } from '@msa-sync/kafka';
import type { Logger } from 'pino';

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic configs set at creation (e.g. cleanup.policy=compact for a table of latest values). */
  configs?: { name: string; value: string }[];
}

/**
 * Creates the topics a service writes or reads when they are missing (with more than the
 * broker's default single partition, so several instances share the work). Retries while Kafka
 * is down; resolves once they exist.
 */
export async function ensureTopics(
  client: ClientSettings,
  topics: TopicSpec[],
  logger: Logger,
  shouldContinue: () => boolean = () => true,
): Promise<boolean> {
  let warned = false;
  while (shouldContinue()) {
    const admin = createAdmin({ ...client, clientId: `${client.clientId}-admin` });
    try {
      const existing = new Set(await admin.listTopics({ includeInternals: false }));
      for (const topic of topics) {
        if (existing.has(topic.name)) continue;
        try {
          await admin.createTopics({
            topics: [topic.name],
            partitions: topic.partitions,
            replicas: -1,
            ...(topic.configs ? { configs: topic.configs } : {}),
          });
          logger.info({ topic: topic.name, partitions: topic.partitions }, 'created topic');
        } catch (error) {
          // Another instance may have created it between our list and create.
          if (!(await admin.listTopics()).includes(topic.name)) throw error;
        }
      }
      return true;
    } catch (error) {
      if (!warned) logger.warn({ err: error }, 'cannot create topics yet (Kafka down?); retrying');
      warned = true;
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await admin.close().catch(() => {});
    }
  }
  return false;
}

/** What a service does with its consumer while topics are being created. */
export interface TopicConsumption {
  /** Resolves true once the topics exist and the consumer started; false if stopped first. */
  readonly ready: Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Creates the topics (retrying while Kafka is down), then starts the consumer, so it has
 * partitions to join. stop() ends the retries and the consumer.
 */
export function consumeOnceTopicsExist(
  client: ClientSettings,
  topics: TopicSpec[],
  consumer: { start(): void; stop(): Promise<void> },
  logger: Logger,
): TopicConsumption {
  let running = true;
  const ready = ensureTopics(client, topics, logger, () => running).then((exist) => {
    if (exist && running) consumer.start();
    return exist && running;
  });
  return {
    ready,
    stop: async () => {
      running = false;
      await ready;
      await consumer.stop();
    },
  };
}
