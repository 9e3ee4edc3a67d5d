import { randomInt } from 'node:crypto';
import { createConsumer, describeKafkaError, type Message, MessagesStreamModes } from '@msa-sync/kafka';
import { bootstrapFrom, parseFlags, parseIntFlag, parseKeyValues } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';
import { withAdmin } from '../kafka-session.js';
import { validateTopicName } from './topics.js';

export const consumeUsage = `Usage: msa-sync consume --topic <name> [options]
  Prints records as kafka-console-consumer.sh does, one per line.
  --bootstrap-server <host:port>   Kafka to read from
  --topic <name>                   topic to read
  --from-beginning                 start at the earliest record when the group has no committed offset
  --group <id>                     consumer group (default: a fresh console-consumer-<n> group)
  --max-messages <n>               exit after n records
  --timeout-ms <ms>                exit when no record arrives for this long
  --property print.key=true        also print keys; print.partition, print.offset, print.timestamp,
                                   print.headers, print.value=false, key.separator=<sep>
  --formatter-property k=v         the same as --property (Kafka 4.4's name for it)`;

const options = {
  'bootstrap-server': { type: 'string' },
  topic: { type: 'string' },
  'from-beginning': { type: 'boolean' },
  group: { type: 'string' },
  'max-messages': { type: 'string' },
  'timeout-ms': { type: 'string' },
  property: { type: 'string', multiple: true },
  'formatter-property': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RecordFormat {
  printKey: boolean;
  printValue: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printTimestamp: boolean;
  printHeaders: boolean;
  separator: string;
}

/** The line Kafka's DefaultMessageFormatter prints: timestamp, partition, offset, headers, key, value. */
export function formatRecord(
  message: Message<Buffer | undefined, Buffer | undefined, string, Buffer>,
  f: RecordFormat,
): string {
  const parts: string[] = [];
  if (f.printTimestamp)
    parts.push(message.timestamp >= 0n ? `CreateTime:${message.timestamp}` : 'NO_TIMESTAMP');
  if (f.printPartition) parts.push(`Partition:${message.partition}`);
  if (f.printOffset) parts.push(`Offset:${message.offset}`);
  if (f.printHeaders) {
    const headers = [...message.headers].map(([k, v]) => `${k}:${v.toString('utf8')}`);
    parts.push(headers.length ? headers.join(',') : 'NO_HEADERS');
  }
  if (f.printKey) parts.push(message.key === undefined ? 'null' : message.key.toString('utf8'));
  if (f.printValue) parts.push(message.value === undefined ? 'null' : message.value.toString('utf8'));
  return parts.join(f.separator);
}

export async function consumeCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { values } = parseFlags(argv, options);
  if (values.help) return out(consumeUsage);
  if (!values.topic) throw new UsageError('--topic is required');
  validateTopicName(values.topic);
  const topic = values.topic;
  const bootstrap = bootstrapFrom(values);
  const maxMessages = parseIntFlag(values['max-messages'], '--max-messages');
  const idleTimeout = parseIntFlag(values['timeout-ms'], '--timeout-ms');
  // Kafka 4.4 renamed the console consumer's --property to --formatter-property; both are read.
  const props = parseKeyValues(
    [...(values.property ?? []), ...(values['formatter-property'] ?? [])],
    '--property',
  );
  const format: RecordFormat = {
    printKey: props.get('print.key') === 'true',
    printValue: props.get('print.value') !== 'false',
    printPartition: props.get('print.partition') === 'true',
    printOffset: props.get('print.offset') === 'true',
    printTimestamp: props.get('print.timestamp') === 'true',
    printHeaders: props.get('print.headers') === 'true',
    separator: props.get('key.separator') ?? '\t',
  };

  await withAdmin(bootstrap, async (admin) => {
    if (!(await admin.listTopics({ includeInternals: true })).includes(topic)) {
      throw new CommandError(
        `Topic '${topic}' does not exist. Create it with: msa-sync topics --create --topic ${topic}`,
      );
    }
  });

  const groupId = values.group ?? `console-consumer-${randomInt(100_000)}`;
  const consumer = createConsumer({
    bootstrapServers: bootstrap,
    clientId: 'msa-sync-console-consumer',
    groupId,
    connectTimeoutMs: 3000,
    maxWaitTime: 500,
  });
  let processed = 0;
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: values['from-beginning'] ? 'earliest' : 'latest',
      autocommit: 1000,
    });
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (idleTimeout === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(() => void stream.close(), idleTimeout);
    };
    signal?.addEventListener('abort', () => void stream.close(), { once: true });
    armIdle();
    for await (const message of stream) {
      out(formatRecord(message, format));
      processed++;
      armIdle();
      if (maxMessages !== undefined && processed >= maxMessages) {
        await message.commit();
        break;
      }
    }
    clearTimeout(idle);
    await stream.close().catch(() => {});
  } catch (error) {
    throw new CommandError(describeKafkaError(error, bootstrap));
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    err(`Processed a total of ${processed} messages`);
  }
}
