import type { Admin, KafkaClients } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Connector, ConnectorPlugin } from '../api/connector.js';
import { ConfigDef } from '../config/config-def.js';
import type { ConnectorState } from '../entities.js';
import { ClusterConfigState } from '../storage/cluster-config-state.js';
import type { ConfigBackingStore } from '../storage/config-store.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import type { StatusBackingStore } from '../storage/status-backing-store.js';
import { PluginRegistry } from './plugins.js';
import { Worker } from './worker.js';
import type { WorkerConfig } from './worker-config.js';
import { WorkerMetrics } from './worker-metrics.js';
import type { FencingGate } from './worker-source-task.js';

/** A connector plugin whose connector hands out `generated` task configs, whatever tasks.max says. */
function plugin(type: 'source' | 'sink', generated: number): ConnectorPlugin {
  const connector: Connector = {
    version: () => '1.0',
    start: () => {},
    taskConfigs: () => Array.from({ length: generated }, (_, i) => ({ 'task.id': String(i) })),
    stop: () => {},
  };
  return {
    className: `test.${type}.Connector`,
    taskClassName: `test.${type}.Task`,
    aliases: [],
    type,
    version: '1.0',
    configDef: new ConfigDef(),
    createConnector: () => connector,
    createTask: () => {
      throw new Error('no task expected');
    },
  } as unknown as ConnectorPlugin;
}

/** Calls to the admin client, by method, with what they were given. */
type AdminCall = { method: string; options: unknown };

function setup(plugins: ConnectorPlugin[], adminAnswers: Record<string, (options: unknown) => unknown> = {}) {
  const statuses: { connector: string; state: ConnectorState; trace: string | null }[] = [];
  const published: { connector: string; tasks: Record<string, string>[] }[] = [];
  const adminCalls: AdminCall[] = [];
  const state = new ClusterConfigState();
  const configs = {
    state,
    putTaskConfigs: async (connector: string, tasks: Record<string, string>[]) => {
      published.push({ connector, tasks });
    },
  } as unknown as ConfigBackingStore;
  const statusStore = {
    putConnector: async (connector: string, status: { state: ConnectorState; trace: string | null }) => {
      statuses.push({ connector, state: status.state, trace: status.trace });
    },
    putTask: async () => {},
    putTopic: async () => {},
  } as unknown as StatusBackingStore;
  const admin = new Proxy(
    {},
    {
      get: (_target, method: string) => {
        if (method === 'on') return () => {};
        if (method === 'close') return async () => adminCalls.push({ method, options: undefined });
        return async (options: unknown) => {
          adminCalls.push({ method, options });
          const answer = adminAnswers[method];
          if (!answer) throw new Error(`unexpected admin call ${method}`);
          return answer(options);
        };
      },
    },
  );
  const clients = {
    createAdmin: () => admin as Admin,
  } as unknown as KafkaClients;
  const worker = new Worker({
    workerId: 'w1:8083',
    config: { offsetFlushIntervalMs: 60_000 } as unknown as WorkerConfig,
    client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
    clients,
    plugins: new PluginRegistry(plugins),
    configs,
    offsets: {} as OffsetBackingStore,
    statuses: statusStore,
    metrics: new WorkerMetrics(),
    logger: pino({ level: 'silent' }),
    generation: () => 1,
  });
  return { worker, statuses, published, adminCalls, state };
}

describe('Worker (fake stores and clients)', () => {
  it('fails a connector whose taskConfigs returns more than tasks.max, and publishes none of them', async () => {
    const t = setup([plugin('source', 3)]);
    await t.worker.startConnector(
      'too-many',
      { 'connector.class': 'test.source.Connector', 'tasks.max': '2', 'tasks.max.enforce': 'true' },
      'STARTED',
    );
    expect(t.statuses.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']);
    expect(t.statuses[1]?.trace).toContain(
      'The connector too-many has generated 3 tasks, more than its tasks.max of 2',
    );
    expect(t.published).toEqual([]);
    expect(t.worker.connectorState('too-many')).toBe('FAILED');
  });

  it('publishes the task configs of a connector that keeps within tasks.max', async () => {
    const t = setup([plugin('source', 2)]);
    await t.worker.startConnector(
      'fits',
      { 'connector.class': 'test.source.Connector', 'tasks.max': '2' },
      'STARTED',
    );
    expect(t.statuses.map((s) => s.state)).toEqual(['RUNNING']);
    expect(t.published).toEqual([
      {
        connector: 'fits',
        tasks: [
          { 'task.id': '0', 'task.class': 'test.source.Task' },
          { 'task.id': '1', 'task.class': 'test.source.Task' },
        ],
      },
    ]);
  });

  it('publishes the same task configs again when they came from an older connector config', async () => {
    const t = setup([plugin('source', 1)]);
    const a = { 'connector.class': 'test.source.Connector', 'tasks.max': '1' };
    const b = { ...a, 'poll.interval.ms': '50' };
    const tasks = [{ 'task.id': '0', 'task.class': 'test.source.Task' }];
    // The config topic holds config a and the task configs generated from it.
    t.state.apply({ kind: 'connector', connector: 'c', properties: a }, 0n);
    t.state.apply(
      { kind: 'task', connector: 'c', task: 0, properties: tasks[0] as Record<string, string> },
      1n,
    );
    t.state.apply({ kind: 'commit', connector: 'c', tasks: 1 }, 2n);
    await t.worker.startConnector('c', a, 'STARTED');
    expect(t.published).toEqual([]);
    // Config b arrives: its task configs are the same, but they must be committed under b, or the
    // task would never run with b.
    t.state.apply({ kind: 'connector', connector: 'c', properties: b }, 3n);
    await t.worker.stopConnector('c');
    await t.worker.startConnector('c', b, 'STARTED');
    expect(t.published).toEqual([{ connector: 'c', tasks }]);
  });

  it("alters a stopped sink's offsets in its consumer group, in the client's shape, and closes the admin client", async () => {
    const t = setup([plugin('sink', 1)], {
      alterConsumerGroupOffsets: () => undefined,
      deleteConsumerGroupOffsets: () => undefined,
    });
    const message = await t.worker.alterConnectorOffsets(
      'orders-sink',
      { 'connector.class': 'test.sink.Connector' },
      {
        offsets: [
          { partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 10 } },
          { partition: { kafka_topic: 'orders', kafka_partition: 1 }, offset: null },
        ],
      },
    );
    expect(message).toBe('The offsets for this connector have been altered successfully');
    expect(t.adminCalls).toEqual([
      {
        method: 'alterConsumerGroupOffsets',
        options: {
          groupId: 'connect-orders-sink',
          topics: [{ name: 'orders', partitionOffsets: [{ partition: 0, offset: 10n }] }],
        },
      },
      {
        method: 'deleteConsumerGroupOffsets',
        options: { groupId: 'connect-orders-sink', topics: [{ name: 'orders', partitionIndexes: [1] }] },
      },
      { method: 'close', options: undefined },
    ]);
  });

  it("reads a sink's offsets from its consumer group, leaving out partitions without a committed offset", async () => {
    const t = setup([plugin('sink', 1)], {
      listConsumerGroupOffsets: () => [
        {
          topics: [
            {
              name: 'orders',
              partitions: [
                { partitionIndex: 0, committedOffset: 42n },
                { partitionIndex: 1, committedOffset: -1n },
              ],
            },
          ],
        },
      ],
    });
    const offsets = await t.worker.connectorOffsets('orders-sink', {
      'connector.class': 'test.sink.Connector',
    });
    expect(offsets).toEqual({
      offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 42 } }],
    });
    expect(t.adminCalls[0]).toEqual({
      method: 'listConsumerGroupOffsets',
      options: { groups: ['connect-orders-sink'] },
    });
  });
});

describe('Worker: an exactly-once source task waiting for its fencing round', () => {
  it('does not hold up the herder, and a stop ends the wait without a FAILED report', async () => {
    const taskStates: ConnectorState[] = [];
    const producers: string[] = [];
    let waiting = 0;
    const gate: FencingGate = {
      pending: () => true,
      ready: (signal) => {
        waiting++;
        return new Promise<number>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
      },
      current: async () => true,
    };
    const source = {
      ...plugin('source', 1),
      createTask: () => ({ version: () => '1.0', start: () => {}, poll: async () => [], stop: () => {} }),
    } as unknown as ConnectorPlugin;
    const worker = new Worker({
      workerId: 'w1:8083',
      config: {
        offsetFlushIntervalMs: 60_000,
        exactlyOnceSource: true,
        groupId: 'g',
        keyConverter: 'org.apache.kafka.connect.storage.StringConverter',
        valueConverter: 'org.apache.kafka.connect.storage.StringConverter',
        keyConverterConfig: {},
        valueConverterConfig: {},
        headerConverter: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      } as unknown as WorkerConfig,
      client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
      clients: {
        createRawProducer: (settings: { transactionalId?: string }) => {
          producers.push(String(settings.transactionalId));
          throw new Error('no producer expected before the round');
        },
      } as unknown as KafkaClients,
      plugins: new PluginRegistry([source]),
      configs: { state: new ClusterConfigState() } as unknown as ConfigBackingStore,
      offsets: { refresh: async () => {}, get: () => null } as unknown as OffsetBackingStore,
      statuses: {
        putTask: async (_c: string, _t: number, status: { state: ConnectorState; trace: string | null }) => {
          taskStates.push(status.state);
        },
        putTopic: async () => {},
      } as unknown as StatusBackingStore,
      metrics: new WorkerMetrics(),
      logger: pino({ level: 'silent' }),
      generation: () => 1,
      fencingGate: () => gate,
    });
    // Returns while the task still waits: the herder's queue is free for the round's rebalance.
    await worker.startTask(
      'eos',
      0,
      { 'task.id': '0' },
      { 'connector.class': 'test.source.Connector' },
      'STARTED',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(taskStates).toEqual([]);
    expect(waiting).toBe(1);
    expect(producers).toEqual([]);
    expect(taskStates).not.toContain('FAILED');
    await worker.stopTask('eos', 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(producers).toEqual([]);
    expect(taskStates).not.toContain('FAILED');
    expect(worker.taskIds()).toEqual([]);
  });
});
