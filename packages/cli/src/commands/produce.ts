import { createInterface } from 'node:readline';
import { createProducer, describeKafkaError } from '@msa-sync/kafka';
import { bootstrapFrom, parseFlags, parseKeyValues } from '../cli-args.js';
import { CommandError, UsageError } from '../cli-errors.js';
import { validateTopicName } from './topics.js';

export const produceUsage = `Usage: msa-sync produce --topic <name> [options] < records
  One record per line of standard input, like kafka-console-producer.sh.
  --bootstrap-server <host:port>   (also --broker-list, as older Kafka tools spelled it)
  --topic <name>                   topic to write to (created by the broker if it auto-creates topics)
  --property parse.key=true        split each line into key and value
  --property key.separator=<sep>   separator between key and value (default: a tab)
  --reader-property k=v            the same as --property (Kafka 4.4's name for it)
  --request-required-acks <acks>   all/-1 (default), 1 or 0
  --batch-size <n>                 records per produce request (default 500)`;

const options = {
  'bootstrap-server': { type: 'string' },
  'broker-list': { type: 'string' },
  topic: { type: 'string' },
  property: { type: 'string', multiple: true },
  'reader-property': { type: 'string', multiple: true },
  'request-required-acks': { type: 'string' },
  'batch-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const acksByFlag: Record<string, number> = { all: -1, '-1': -1, '1': 1, '0': 0 };

export async function produceCommand(
  argv: string[],
  input: NodeJS.ReadableStream,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<void> {
  const { values } = parseFlags(argv, options);
  if (values.help) return out(produceUsage);
  if (!values.topic) throw new UsageError('--topic is required');
  validateTopicName(values.topic);
  const topic = values.topic;
  const bootstrap = bootstrapFrom(values);
  // Kafka 4.4 renamed the console producer's --property to --reader-property; both are read.
  const props = parseKeyValues(
    [...(values.property ?? []), ...(values['reader-property'] ?? [])],
    '--property',
  );
  const parseKey = props.get('parse.key') === 'true';
  const separator = props.get('key.separator') ?? '\t';
  const acksFlag = values['request-required-acks'] ?? 'all';
  const acks = acksByFlag[acksFlag];
  if (acks === undefined)
    throw new UsageError(`--request-required-acks must be all, -1, 1 or 0, got '${acksFlag}'`);
  const batchSize = Number(values['batch-size'] ?? 500);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError('--batch-size must be a positive integer');

  const producer = createProducer({
    bootstrapServers: bootstrap,
    clientId: 'msa-sync-console-producer',
    connectTimeoutMs: 3000,
    retries: 3,
    // Idempotence needs acks=all; with weaker acks the user asked for speed over safety.
    idempotent: acks === -1,
    acks,
    autocreateTopics: true,
  });
  let batch: { key?: Buffer; value: Buffer; topic: string }[] = [];
  let sent = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const messages = batch;
    batch = [];
    await producer.send({ messages });
    sent += messages.length;
  };
  try {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (parseKey) {
        const i = line.indexOf(separator);
        if (i < 0) {
          throw new CommandError(
            `No key separator found on line ${sent + batch.length + 1}: '${line.slice(0, 80)}' (key.separator is ${JSON.stringify(separator)})`,
          );
        }
        batch.push({
          topic,
          key: Buffer.from(line.slice(0, i)),
          value: Buffer.from(line.slice(i + separator.length)),
        });
      } else {
        batch.push({ topic, value: Buffer.from(line) });
      }
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(describeKafkaError(error, bootstrap));
  } finally {
    await producer.close().catch(() => {});
  }
  err(`Produced ${sent} records to ${topic}`);
}
