import { type Admin, hasProtocolError } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { findFirstGroup, type TopicCreationGroup } from '../config/topic-creation-config.js';
import { untilKnown } from '../storage/internal-topics.js';

export type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics' | 'metadata'>;

/**
 * Apache's AbstractWorkerSourceTask.maybeCreateTopic: before a source task first produces to a
 * topic, the topic is created if it does not exist, from the first matching group of
 * `topic.creation.groups` (else the default group). A topic that can be neither found nor created
 * fails the task, as in Connect.
 */
export class TopicCreator {
  readonly #admin: TopicAdmin;
  readonly #groups: readonly TopicCreationGroup[];
  readonly #log: Logger;
  /** Topics known to exist (found or created); Connect's TopicCreation.addTopic. */
  readonly #known = new Set<string>();

  constructor(admin: TopicAdmin, groups: readonly TopicCreationGroup[], logger: Logger) {
    this.#admin = admin;
    this.#groups = groups;
    this.#log = logger;
  }

  /** Makes sure each topic exists, creating the missing ones; resolves once they can be produced to. */
  async ensure(topics: Iterable<string>): Promise<void> {
    const fresh = [...new Set(topics)].filter((topic) => !this.#known.has(topic));
    if (fresh.length === 0) return;
    const existing = new Set(await this.#admin.listTopics({ includeInternals: true }));
    const created: string[] = [];
    for (const topic of fresh) {
      if (existing.has(topic)) {
        this.#log.info({ topic }, 'topic already exists; not creating it');
        this.#known.add(topic);
        continue;
      }
      const group = findFirstGroup(this.#groups, topic);
      const configs = Object.entries(group.configs).map(([name, value]) => ({ name, value }));
      try {
        await this.#admin.createTopics({
          topics: [topic],
          partitions: group.partitions,
          replicas: group.replicationFactor,
          configs,
        });
        this.#log.info(
          {
            topic,
            group: group.name,
            partitions: group.partitions,
            replicationFactor: group.replicationFactor,
          },
          'created topic using topic creation group',
        );
        created.push(topic);
      } catch (error) {
        // Another task (or worker) may have created it meanwhile.
        if (!hasProtocolError(error, 'TOPIC_ALREADY_EXISTS')) {
          throw new Error(
            `Task failed to create new topic ${topic} (group ${group.name}): ${(error as Error).message}. ` +
              'Ensure that the task is authorized to create topics or that the topic exists and restart the task',
            { cause: error },
          );
        }
      }
      this.#known.add(topic);
    }
    if (created.length > 0) await untilKnown(this.#admin as Admin, created, this.#log);
  }
}
