import { createAdmin } from '@msa-sync/kafka';

/**
 * Creates a topic and waits until the broker's metadata has it: a new topic reaches the metadata
 * a moment later (seconds on a loaded or freshly started broker), and producing before that fails
 * with "Unknown topic".
 */
export async function createReadyTopic(bootstrap: string, topic: string, partitions = 1): Promise<void> {
  const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'test-topic-admin' });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await admin.metadata({ topics: [topic], forceUpdate: true });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await admin.close();
  }
}
