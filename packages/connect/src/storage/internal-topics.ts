import { type ClientSettings, createAdmin } from '@msa-sync/kafka';
import type { Logger } from 'pino';

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
): Promise<void> {
  const admin = createAdmin({ ...client, clientId: `${client.clientId}-admin` });
  admin.on('error', (error: unknown) => logger.warn({ err: error }, 'admin client error'));
  try {
    const existing = new Set(await admin.listTopics({ includeInternals: false }));
    for (const topic of topics) {
      if (existing.has(topic.name)) continue;
      logger.info({ topic: topic.name, partitions: topic.partitions }, 'creating internal topic');
      try {
        await admin.createTopics({
          topics: [topic.name],
          partitions: topic.partitions,
          // -1: the broker's default.replication.factor
          replicas: topic.replicationFactor,
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        });
      } catch (error) {
        // Another worker may have created it between our list and create.
        if (!(await admin.listTopics()).includes(topic.name)) throw error;
      }
    }
  } finally {
    await admin.close().catch(() => {});
  }
}
