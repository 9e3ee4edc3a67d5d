import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { cliPath, kafkaBin, root, runCli, runProcess, uniqueName } from '../support/run-process.js';

const COUNT = 10_000;

/** Lines `key<TAB>value` where each key's values are numbered in the order they were sent. */
function keyedRecords(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `key-${i % 13}\t${i % 13}:${Math.floor(i / 13)}`);
}

/**
 * Apache's console consumer 4.4 prints its deprecation notice for `--property` on standard output,
 * before the records; it is not a record.
 */
function apacheRecordLines(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .filter((line) => !/^Option --\S+ is deprecated/.test(line));
}

/** Every record present once, and within each partition in the order it was produced. */
function expectCompleteAndOrdered(lines: string[], sent: string[]) {
  expect(lines).toHaveLength(sent.length);
  expect(new Set(lines.map((l) => l.split('\t').slice(-2).join('\t')))).toEqual(new Set(sent));
  const lastOffset = new Map<string, number>();
  const lastSeqByKey = new Map<string, number>();
  for (const line of lines) {
    const [partition, offset, key, value] = line.split('\t') as [string, string, string, string];
    const o = Number(offset.replace('Offset:', ''));
    expect(o).toBeGreaterThan(lastOffset.get(partition) ?? -1);
    lastOffset.set(partition, o);
    const seq = Number(value.split(':')[1]);
    expect(seq).toBe((lastSeqByKey.get(key) ?? -1) + 1);
    lastSeqByKey.set(key, seq);
  }
}

async function createTopic(topic: string, bootstrap: string) {
  const run = await runCli([
    'topics',
    '--create',
    '--topic',
    topic,
    '--partitions',
    '3',
    '--bootstrap-server',
    bootstrap,
  ]);
  expect(run.code).toBe(0);
}

/** A new 3-partition topic holding {@link COUNT} keyed records, written with msa-sync produce. */
async function topicWithRecords(
  prefix: string,
  bootstrap: string,
): Promise<{ topic: string; sent: string[] }> {
  const topic = uniqueName(prefix);
  await createTopic(topic, bootstrap);
  const sent = keyedRecords(COUNT);
  const produce = await runCli(
    ['produce', '--topic', topic, '--bootstrap-server', bootstrap, '--property', 'parse.key=true'],
    { input: `${sent.join('\n')}\n` },
  );
  expect(produce.code).toBe(0);
  expect(produce.stderr).toContain(`Produced ${COUNT} records`);
  return { topic, sent };
}

const printAll = [
  '--property',
  'print.partition=true',
  '--property',
  'print.offset=true',
  '--property',
  'print.key=true',
];

/** `msa-sync consume` of every record of the topic, from the beginning, printed with printAll. */
function consumeAllArgs(topic: string, bootstrap: string, ...extra: string[]): string[] {
  return [
    'consume',
    '--topic',
    topic,
    '--from-beginning',
    '--max-messages',
    String(COUNT),
    '--bootstrap-server',
    bootstrap,
    ...extra,
    ...printAll,
  ];
}

describe('console produce and consume against the real broker', () => {
  it('reads back 10,000 records complete and in order per partition with msa-sync', async () => {
    const bootstrap = inject('kafkaBootstrap');
    const { topic, sent } = await topicWithRecords('cli-records', bootstrap);

    const consume = await runCli(consumeAllArgs(topic, bootstrap, '--group', uniqueName('g')));
    expect(consume.code).toBe(0);
    expect(consume.stderr).toContain(`Processed a total of ${COUNT} messages`);
    const lines = consume.stdout.trimEnd().split('\n');
    expectCompleteAndOrdered(lines, sent);
    // Several partitions were really used.
    expect(new Set(lines.map((l) => l.split('\t')[0])).size).toBe(3);
  });

  it('runs the seed lines through the Kafka shims: --broker-list producer, --from-beginning consumer', async () => {
    const bootstrap = inject('kafkaBootstrap');
    const topic = uniqueName('shim-records');
    const topics = await runProcess(join(kafkaBin, 'kafka-topics.sh'), [
      '--create',
      '--topic',
      topic,
      '--bootstrap-server',
      bootstrap,
      '--partitions',
      '3',
    ]);
    expect(topics.stdout).toContain(`Created topic ${topic}.`);
    const sent = keyedRecords(COUNT);
    const produce = await runProcess(
      join(kafkaBin, 'kafka-console-producer.sh'),
      ['--broker-list', bootstrap, '--topic', topic, '--property', 'parse.key=true'],
      { input: `${sent.join('\n')}\n`, timeoutMs: 120_000 },
    );
    expect(produce.code).toBe(0);

    // Apache's consumer reads what Apache's producer wrote...
    const apache = await runProcess(
      join(kafkaBin, 'kafka-console-consumer.sh'),
      [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        topic,
        '--from-beginning',
        '--max-messages',
        String(COUNT),
        ...printAll,
      ],
      { timeoutMs: 120_000 },
    );
    expect(apache.code).toBe(0);
    expectCompleteAndOrdered(apacheRecordLines(apache.stdout), sent);

    // ...and so does ours, line for line in the same format.
    const ours = await runCli(consumeAllArgs(topic, bootstrap));
    expect(ours.code).toBe(0);
    const sortLines = (s: string) => s.trimEnd().split('\n').sort();
    expect(sortLines(ours.stdout)).toEqual(apacheRecordLines(apache.stdout).sort());

    const list = await runProcess(join(kafkaBin, 'kafka-topics.sh'), [
      '--bootstrap-server',
      bootstrap,
      '--list',
    ]);
    expect(list.stdout.split('\n')).toContain(topic);
  });

  it('prints every record to a reader slower than the consumer, then exits', async () => {
    const bootstrap = inject('kafkaBootstrap');
    const { topic, sent } = await topicWithRecords('cli-slow-reader', bootstrap);
    // The reader takes nothing until the consumer has counted every record and a while more:
    // what the pipe cannot hold waits in the consumer, which must not exit before it is out.
    const child = spawn(process.execPath, [cliPath, ...consumeAllArgs(topic, bootstrap)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no total after 60 s: ${stderr}`)), 60_000);
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString('utf8');
        if (stderr.includes(`Processed a total of ${COUNT} messages`)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stdout.resume();
    expect(await exited).toBe(0);
    expectCompleteAndOrdered(Buffer.concat(chunks).toString('utf8').trimEnd().split('\n'), sent);
  });

  it('refuses to consume a topic that does not exist', async () => {
    const topic = uniqueName('missing');
    const run = await runCli(['consume', '--topic', topic, '--bootstrap-server', inject('kafkaBootstrap')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Topic '${topic}' does not exist`);
  });

  it('rejects a keyed line without separator and names the line', async () => {
    const bootstrap = inject('kafkaBootstrap');
    const topic = uniqueName('cli-sep');
    await createTopic(topic, bootstrap);
    const run = await runCli(
      ['produce', '--topic', topic, '--bootstrap-server', bootstrap, '--property', 'parse.key=true'],
      {
        input: 'a\tb\nno-separator-here\n',
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No key separator found on line 2');
  });
});
