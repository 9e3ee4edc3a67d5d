import { type Admin, ConfigResourceTypes, ConfigSources } from '@msa-sync/kafka';
import { bootstrapFrom, bootstrapOptions, parseFlags, parseIntFlag, parseKeyValues } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';
import { kafkaTopicId, withAdmin } from '../kafka-session.js';

export const topicsUsage = `Usage: msa-sync topics (--create | --list | --describe | --delete | --alter) [options]
  Same flags and output as Apache Kafka's kafka-topics.sh.
  --bootstrap-server <host:port>   Kafka to talk to (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)
  --topic <name>                   topic to create, describe, alter or delete
  --partitions <n>                 partitions for --create (broker default) or --alter (new count)
  --replication-factor <n>         replicas for --create (broker default)
  --config <key=value>             topic config for --create (repeatable)
  --if-not-exists                  --create: no error when the topic exists
  --if-exists                      --describe/--delete/--alter: no error when the topic is missing
  --exclude-internal               --list/--describe: leave out internal topics`;

const options = {
  ...bootstrapOptions,
  create: { type: 'boolean' },
  list: { type: 'boolean' },
  describe: { type: 'boolean' },
  delete: { type: 'boolean' },
  alter: { type: 'boolean' },
  topic: { type: 'string' },
  partitions: { type: 'string' },
  'replication-factor': { type: 'string' },
  config: { type: 'string', multiple: true },
  'if-not-exists': { type: 'boolean' },
  'if-exists': { type: 'boolean' },
  'exclude-internal': { type: 'boolean' },
} as const;

export async function topicsCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseFlags(argv, options);
  if (values.help) {
    out(topicsUsage);
    return;
  }
  const actions = (['create', 'list', 'describe', 'delete', 'alter'] as const).filter((a) => values[a]);
  if (actions.length !== 1) {
    throw new UsageError('Exactly one of --create, --list, --describe, --delete or --alter must be given');
  }
  const bootstrap = bootstrapFrom(values);
  const topic = values.topic;
  const needsTopic = actions[0] !== 'list' && actions[0] !== 'describe';
  if (needsTopic && !topic) throw new UsageError(`--${actions[0]} requires --topic`);
  if (topic !== undefined) validateTopicName(topic);
  const partitions = parseIntFlag(values.partitions, '--partitions');
  const replicationFactor = parseIntFlag(values['replication-factor'], '--replication-factor');
  const configs = parseKeyValues(values.config, '--config');
  if (actions[0] === 'alter' && partitions === undefined)
    throw new UsageError('--alter requires --partitions');

  await withAdmin(bootstrap, async (admin) => {
    switch (actions[0]) {
      case 'list':
        for (const name of await listTopics(admin, !values['exclude-internal'])) out(name);
        return;
      case 'create': {
        const name = topic as string;
        if ((await admin.listTopics({ includeInternals: true })).includes(name)) {
          if (values['if-not-exists']) return;
          throw new CommandError(`Error while executing topic command : Topic '${name}' already exists.`);
        }
        await admin.createTopics({
          topics: [name],
          partitions: partitions ?? -1,
          replicas: replicationFactor ?? -1,
          configs: [...configs].map(([name, value]) => ({ name, value })),
        });
        out(`Created topic ${name}.`);
        return;
      }
      case 'describe': {
        const all = await listTopics(admin, !values['exclude-internal']);
        const names = topic === undefined ? all : all.filter((t) => t === topic);
        if (topic !== undefined && names.length === 0) {
          if (values['if-exists']) return;
          throw missingTopic(topic);
        }
        for (const line of await describeTopics(admin, names)) out(line);
        return;
      }
      case 'delete': {
        const name = topic as string;
        if (!(await admin.listTopics({ includeInternals: true })).includes(name)) {
          if (values['if-exists']) return;
          throw missingTopic(name);
        }
        await admin.deleteTopics({ topics: [name] });
        return;
      }
      case 'alter': {
        const name = topic as string;
        if (!(await admin.listTopics({ includeInternals: true })).includes(name)) {
          if (values['if-exists']) return;
          throw missingTopic(name);
        }
        await admin.createPartitions({ topics: [{ name, count: partitions as number }] });
        return;
      }
    }
  });
}

function missingTopic(name: string): CommandError {
  return new CommandError(`Error while executing topic command : Topic '${name}' does not exist as expected`);
}

/** Kafka's own rule: 1-249 chars of [a-zA-Z0-9._-], not "." or "..". */
export function validateTopicName(name: string): void {
  if (name === '.' || name === '..' || !/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
    throw new UsageError(
      `Topic name '${name}' is illegal: use 1 to 249 of the characters a-z, A-Z, 0-9, '.', '_' and '-' (not '.' or '..').`,
    );
  }
}

export async function listTopics(admin: Admin, includeInternal: boolean): Promise<string[]> {
  return (await admin.listTopics({ includeInternals: includeInternal })).sort();
}

/** One topic as `--describe` shows it, as data (the operator console renders the same). */
export interface TopicDetail {
  name: string;
  /** Kafka's base64url form of the topic id. */
  topicId: string;
  /** Settings that differ from the broker's defaults; sensitive values are `[hidden]`. */
  overrides: { name: string; value: string }[];
  replicationFactor: number;
  partitions: { partition: number; leader: number | null; replicas: number[]; isr: number[] }[];
}

/** Metadata and non-default configs of the named topics (missing topics are left out). */
export async function topicDetails(admin: Admin, names: string[]): Promise<TopicDetail[]> {
  if (names.length === 0) return [];
  const metadata = await admin.metadata({ topics: names });
  const configs = await admin.describeConfigs({
    resources: names.map((resourceName) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName })),
    includeSynonyms: false,
  });
  const details: TopicDetail[] = [];
  for (const name of names) {
    const topic = metadata.topics.get(name);
    if (!topic) continue;
    const description = configs.find((c) => c.resourceName === name);
    // Like kafka-topics.sh: only settings that differ from the broker's defaults.
    const overrides = (description?.configs ?? [])
      .filter((c) => c.configSource !== ConfigSources.DEFAULT_CONFIG)
      .map((c) => ({ name: c.name, value: c.isSensitive ? '[hidden]' : (c.value ?? '') }));
    details.push({
      name,
      topicId: kafkaTopicId(topic.id),
      overrides,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
      partitions: topic.partitions.map((p, partition) => ({
        partition,
        leader: p.leader < 0 ? null : p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
      })),
    });
  }
  return details;
}

async function describeTopics(admin: Admin, names: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const topic of await topicDetails(admin, names)) {
    const overrides = topic.overrides.map((c) => `${c.name}=${c.value}`).join(',');
    lines.push(
      `Topic: ${topic.name}\tTopicId: ${topic.topicId}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${topic.replicationFactor}\tConfigs: ${overrides}`,
    );
    for (const p of topic.partitions) {
      lines.push(
        `\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\tElr: \tLastKnownElr: `,
      );
    }
  }
  return lines;
}
