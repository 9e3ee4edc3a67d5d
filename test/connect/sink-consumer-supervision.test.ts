import type { ConnectorState } from '@msa-sync/connect';
import type { SinkRecord, SinkTask } from '@msa-sync/connect/api';
import {
  createRecordConverter,
  errorHandlingConfig,
  getLogger,
  WorkerMetrics,
  WorkerSinkTask,
} from '@msa-sync/connect/testing';
import { createAdmin, createConsumer, createProducer, kafkaClients } from '@msa-sync/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { PrivateBroker } from '../faults/support/private-broker.js';
import { eventually } from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

/** A sink task that keeps what it is given in memory: what the worker delivered, and how often. */
function memorySinkTask(delivered: string[]): SinkTask {
  return {
    start: () => {},
    put: async (records: SinkRecord[]) => {
      for (const r of records) delivered.push(String(r.value));
    },
    stop: () => {},
  };
}

/**
 * Issue 14, deliverable 1 (the sink's part): a sink task's consumer whose group rejoin fails its
 * retries emits 'error'. Unheard, that ended the worker process; heard and ignored, it left a
 * member that no longer consumes. The task rebuilds it with back-off (status RESTARTING, then
 * RUNNING) and goes on from the committed offsets without loss or a second delivery.
 */
describe('sink consumer supervision (private broker stopped and started)', () => {
  let broker: PrivateBroker | undefined;
  afterAll(async () => {
    await broker?.destroy();
  });

  it('rebuilds the consumer after the broker was gone longer than its retries; nothing lost or delivered twice', {
    // The rebuild back-off reaches 30 s while the broker is down.
    timeout: 300_000,
  }, async () => {
    broker = await PrivateBroker.start();
    const bootstrap = broker.bootstrap;
    const topic = uniqueName('supervised');
    const connector = uniqueName('supervised-snk');
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'supervision-admin' });
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    await admin.close();
    let next = 0;
    const produce = async (count: number) => {
      const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'supervision' });
      try {
        const messages = Array.from({ length: count }, () => {
          const id = next++;
          return { topic, partition: id % 2, value: Buffer.from(`record-${id}`) };
        });
        await producer.send({ messages });
      } finally {
        await producer.close();
      }
    };

    const delivered: string[] = [];
    const states: ConnectorState[] = [];
    const traces: unknown[] = [];
    const converter = createRecordConverter('org.apache.kafka.connect.storage.StringConverter', {}, false);
    const task = new WorkerSinkTask({
      connector,
      taskId: 0,
      task: memorySinkTask(delivered),
      taskConfig: {},
      topics: [topic],
      topicsRegex: undefined,
      client: { bootstrapServers: [bootstrap], clientId: 'supervision-consumer' },
      clients: kafkaClients,
      keyConverter: converter,
      valueConverter: converter,
      errors: errorHandlingConfig({}),
      offsetCommitIntervalMs: 500,
      logger: getLogger('sink-consumer-supervision-test'),
      report: (state, error) => {
        states.push(state);
        if (error) traces.push(error);
      },
      metrics: new WorkerMetrics().forTask(connector, 0),
      onTopicUsed: () => {},
    });
    await produce(500);
    await task.start(false);
    try {
      await eventually('the first 500 records delivered', async () => delivered.length >= 500, 60_000);

      // A second member makes the group rebalance, and the broker goes away as it does: the
      // task's consumer rejoins a group whose coordinator is gone, and its retries run out.
      const other = createConsumer({
        bootstrapServers: [bootstrap],
        clientId: 'supervision-other',
        groupId: `connect-${connector}`,
        sessionTimeout: 6000,
        heartbeatInterval: 500,
      });
      other.on('error', () => {});
      const joining = other.joinGroup({}).catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      await broker.stop('SIGKILL');
      await joining;
      await new Promise<void>((resolve) => other.close(true, () => resolve()));
      await eventually('the task restarting its consumer', async () => states.includes('RESTARTING'), 60_000);
      // Down for longer than the consumer's retries (3 × 250 ms) and several rebuild attempts.
      await new Promise((r) => setTimeout(r, 12_000));
      await broker.resume();

      await eventually(
        'the task RUNNING again',
        async () => states.at(-1) === 'RUNNING' && states.lastIndexOf('RESTARTING') < states.length - 1,
        120_000,
        500,
      );
      await produce(500);
      await eventually('all 1000 records delivered', async () => new Set(delivered).size >= 1000, 120_000);
      // Time for a second delivery to show.
      await new Promise((r) => setTimeout(r, 3000));
      expect(traces).toEqual([]);
      expect(new Set(delivered).size).toBe(1000);
      expect(delivered.length).toBe(1000);
    } finally {
      await task.stop();
    }
  });
});
