import {
  ensureInternalTopics,
  KafkaConfigBackingStore,
  KafkaOffsetBackingStore,
  KafkaStatusBackingStore,
} from '@msa-sync/connect/testing';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';

const logger = pino({ level: 'warn' });

describe('Kafka-backed stores (real broker)', () => {
  it('config store: a second worker reads what the first wrote, task sets only once committed', async () => {
    const client = { bootstrapServers: [inject('kafkaBootstrap')], clientId: uniqueName('cfg') };
    const topic = uniqueName('it-configs');
    await ensureInternalTopics(client, [{ name: topic, partitions: 1, replicationFactor: 1 }], logger);
    const a = new KafkaConfigBackingStore({ topic, client, logger });
    await a.start();
    await a.putConnectorConfig('c1', { 'connector.class': 'FileStreamSink', topics: 't' }, 'PAUSED');
    await a.putTaskConfigs('c1', [{ task: '0' }, { task: '1' }]);
    await a.putConnectorConfig('gone', { 'connector.class': 'X' });
    await a.removeConnectorConfig('gone');
    await a.putRestartRequest({ connector: 'c1', includeTasks: true, onlyFailed: false });

    const restarts: string[] = [];
    const b = new KafkaConfigBackingStore({
      topic,
      client: { ...client, clientId: `${client.clientId}-b` },
      logger,
    });
    b.setListener({ onConnectorChange: () => {}, onRestartRequest: (r) => restarts.push(r.connector) });
    await b.start();
    expect(b.state.connectors()).toEqual(['c1']);
    expect(b.state.connectorConfigs.get('c1')).toEqual({ 'connector.class': 'FileStreamSink', topics: 't' });
    expect(b.state.targetStates.get('c1')).toBe('PAUSED');
    expect(b.state.taskConfigs.get('c1')).toEqual([{ task: '0' }, { task: '1' }]);
    expect(restarts).toEqual(['c1']);

    await a.putTargetState('c1', 'STOPPED');
    await b.refresh();
    expect(b.state.targetStates.get('c1')).toBe('STOPPED');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('offset store: offsets survive a restart and are found whatever the key order', async () => {
    const client = { bootstrapServers: [inject('kafkaBootstrap')], clientId: uniqueName('off') };
    const topic = uniqueName('it-offsets');
    await ensureInternalTopics(client, [{ name: topic, partitions: 5, replicationFactor: 1 }], logger);
    const a = new KafkaOffsetBackingStore({ topic, client, logger });
    await a.start();
    await a.set('src', [
      { partition: { protocol: '1', table: 'mydb.users1' }, offset: { incrementing: 7 } },
      { partition: { table: 'mydb.orders' }, offset: { incrementing: 3 } },
    ]);
    await a.set('src', [{ partition: { table: 'mydb.orders' }, offset: null }]);
    await a.stop();

    const b = new KafkaOffsetBackingStore({ topic, client, logger });
    await b.start();
    expect(b.get('src', { table: 'mydb.users1', protocol: '1' })).toEqual({ incrementing: 7 });
    expect(b.get('src', { table: 'mydb.orders' })).toBeNull();
    expect(b.list('src')).toHaveLength(1);
    await b.stop();
  });

  it('status store: states and active topics are shared', async () => {
    const client = { bootstrapServers: [inject('kafkaBootstrap')], clientId: uniqueName('st') };
    const topic = uniqueName('it-status');
    await ensureInternalTopics(client, [{ name: topic, partitions: 5, replicationFactor: 1 }], logger);
    const a = new KafkaStatusBackingStore({ topic, client, logger });
    await a.start();
    await a.putConnector('c', { state: 'RUNNING', trace: null, worker_id: 'w1:8083', generation: 1 });
    await a.putTask('c', 0, { state: 'FAILED', trace: 'boom', worker_id: 'w1:8083', generation: 1 });
    await a.putTopic('c', 'orders', 0);
    const b = new KafkaStatusBackingStore({
      topic,
      client: { ...client, clientId: `${client.clientId}-b` },
      logger,
    });
    await b.start();
    expect(b.connector('c')?.state).toBe('RUNNING');
    expect(b.tasks('c').get(0)).toMatchObject({ state: 'FAILED', trace: 'boom' });
    expect(b.activeTopics('c')).toEqual(['orders']);
    await a.resetTopics('c');
    await b.refresh();
    expect(b.activeTopics('c')).toEqual([]);
    await Promise.all([a.stop(), b.stop()]);
  });
});
