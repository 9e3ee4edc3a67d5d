import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, uniqueName } from '../support/run-process.js';

describe('msa-sync topics against the real broker', () => {
  let bootstrap: string;
  beforeAll(() => {
    bootstrap = inject('kafkaBootstrap');
  });

  it('creates, lists, describes and deletes a topic with kafka-topics.sh output', async () => {
    const topic = uniqueName('cli-topics');
    const create = await runCli([
      'topics',
      '--create',
      '--topic',
      topic,
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=3600000',
      '--config',
      'cleanup.policy=compact',
      '--bootstrap-server',
      bootstrap,
    ]);
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    expect(create.stdout).toBe(`Created topic ${topic}.\n`);

    const list = await runCli(['topics', '--list', '--bootstrap-server', bootstrap]);
    expect(list.code).toBe(0);
    const names = list.stdout.trim().split('\n');
    expect(names).toContain(topic);
    expect(names).toEqual([...names].sort());

    const describeRun = await runCli([
      'topics',
      '--describe',
      '--topic',
      topic,
      '--bootstrap-server',
      bootstrap,
    ]);
    expect(describeRun.code).toBe(0);
    const [header, ...partitions] = describeRun.stdout.trimEnd().split('\n');
    const fields = Object.fromEntries(
      (header ?? '').split('\t').map((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 2)]),
    );
    expect(fields.Topic).toBe(topic);
    expect(fields.TopicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fields.PartitionCount).toBe('3');
    expect(fields.ReplicationFactor).toBe('1');
    expect(fields.Configs?.split(',')).toEqual(
      expect.arrayContaining(['cleanup.policy=compact', 'retention.ms=3600000']),
    );
    expect(partitions).toHaveLength(3);
    partitions.forEach((line, i) => {
      expect(line).toMatch(
        new RegExp(`^\\tTopic: ${topic}\\tPartition: ${i}\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+`),
      );
    });

    const again = await runCli(['topics', '--create', '--topic', topic, '--bootstrap-server', bootstrap]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Topic '${topic}' already exists.`);
    const idempotent = await runCli([
      'topics',
      '--create',
      '--if-not-exists',
      '--topic',
      topic,
      '--bootstrap-server',
      bootstrap,
    ]);
    expect(idempotent.code).toBe(0);

    const alter = await runCli([
      'topics',
      '--alter',
      '--topic',
      topic,
      '--partitions',
      '4',
      '--bootstrap-server',
      bootstrap,
    ]);
    expect(alter.code).toBe(0);
    const described = await runCli([
      'topics',
      '--describe',
      '--topic',
      topic,
      '--bootstrap-server',
      bootstrap,
    ]);
    expect(described.stdout).toContain('PartitionCount: 4');

    const del = await runCli(['topics', '--delete', '--topic', topic, '--bootstrap-server', bootstrap]);
    expect(del.code).toBe(0);
    const gone = await runCli(['topics', '--describe', '--topic', topic, '--bootstrap-server', bootstrap]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`Topic '${topic}' does not exist as expected`);
  });

  it('rejects bad flags with usage and exit code 2', async () => {
    const unknown = await runCli(['topics', '--list', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    expect(unknown.stderr).toContain('Usage: msa-sync topics');

    const twoActions = await runCli(['topics', '--list', '--delete']);
    expect(twoActions.code).toBe(2);
    const noTopic = await runCli(['topics', '--create']);
    expect(noTopic.code).toBe(2);
    expect(noTopic.stderr).toContain('--create requires --topic');
    const badName = await runCli(['topics', '--create', '--topic', 'bad name!']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('is illegal');
    const badPartitions = await runCli(['topics', '--create', '--topic', 'x', '--partitions', 'many']);
    expect(badPartitions.code).toBe(2);
    const unknownCommand = await runCli(['frobnicate']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("Unknown command 'frobnicate'");
  });

  it('exits non-zero within a bounded time when no broker answers', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    for (const args of [
      ['topics', '--list', '--bootstrap-server', '127.0.0.1:1'],
      ['consume', '--topic', 't', '--bootstrap-server', '127.0.0.1:1'],
    ]) {
      const run = await runCli(args, { timeoutMs: 45_000 });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Cannot reach Kafka at 127.0.0.1:1');
      expect(run.ms).toBeLessThan(30_000);
    }
    const produce = await runCli(['produce', '--topic', 't', '--broker-list', '127.0.0.1:1'], {
      input: 'a\n',
      timeoutMs: 45_000,
    });
    expect(produce.code).toBe(1);
    expect(produce.stderr).toContain('Cannot reach Kafka at 127.0.0.1:1');
  });
});
