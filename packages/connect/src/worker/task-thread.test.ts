import { EventEmitter } from 'node:events';
import type { KafkaClients } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectorPlugin, SinkTask } from '../api/connector.js';
import { ConfigDef } from '../config/config-def.js';
import { PluginRegistry } from './plugins.js';
import { serveTaskThread } from './task-thread.js';
import type { FromTaskThread, TaskThreadStart, ToTaskThread } from './task-thread-messages.js';

/** The thread's port as the worker's side sees it: what was posted, and a way to send. */
class FakePort extends EventEmitter {
  readonly posted: FromTaskThread[] = [];
  postMessage(message: FromTaskThread): void {
    this.posted.push(message);
  }
  send(message: ToTaskThread): void {
    this.emit('message', message);
  }
  async until(type: FromTaskThread['type']): Promise<FromTaskThread> {
    for (let i = 0; i < 200; i++) {
      const found = this.posted.find((m) => m.type === type);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no ${type} message; posted: ${JSON.stringify(this.posted)}`);
  }
}

const plugin = (type: 'sink' | 'source', task: () => SinkTask): ConnectorPlugin =>
  ({
    className: `test.${type}`,
    taskClassName: `test.${type}.Task`,
    aliases: [],
    type,
    version: '1',
    configDef: new ConfigDef(),
    createConnector: () => {
      throw new Error('not used');
    },
    createTask: task,
  }) as unknown as ConnectorPlugin;

const start = (connectorClass: string): TaskThreadStart => ({
  connector: 'orders-sink',
  taskId: 1,
  taskConfig: { 'connector.class': connectorClass, topics: 'orders' },
  connectorConfig: { 'connector.class': connectorClass, topics: 'orders' },
  worker: {
    keyConverter: 'org.apache.kafka.connect.storage.StringConverter',
    keyConverterConfig: {},
    valueConverter: 'org.apache.kafka.connect.storage.StringConverter',
    valueConverterConfig: {},
    offsetFlushIntervalMs: 1000,
    clientOverridePolicy: 'All',
  },
  client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'connect' },
  secrets: [],
  logLevels: { root: 'INFO', 'org.msa.connect.runtime': 'DEBUG' },
  fileStreamAllowedDirs: [],
  initiallyPaused: false,
});

/** Clients that record being closed; the consumer never joins (the task fails before it reads). */
function fakeClients(closed: string[]): KafkaClients {
  return {
    createAdmin: () => ({ close: async () => void closed.push('admin') }),
    createConsumer: () =>
      Object.assign(new EventEmitter(), {
        leaveGroup: (_force: boolean, done: () => void) => done(),
        close: (_force: boolean, done: () => void) => {
          closed.push('consumer');
          done();
        },
      }),
  } as unknown as KafkaClients;
}

describe('serveTaskThread', () => {
  let applied: Record<string, string>[] = [];
  const serve = (plugins: ConnectorPlugin[], closed: string[] = []) => {
    const port = new FakePort();
    applied = [];
    serveTaskThread({
      port,
      plugins: () => new PluginRegistry(plugins),
      logger: pino({ level: 'silent' }),
      applyLogLevels: (levels) => applied.push(levels),
      clients: fakeClients(closed),
    });
    return port;
  };

  it('answers start-failed, never nothing, when even setting up the start throws', async () => {
    const port = new FakePort();
    serveTaskThread({
      port,
      plugins: () => new PluginRegistry([]),
      logger: pino({ level: 'silent' }),
      applyLogLevels: () => {
        throw new TypeError('levels from another build');
      },
    });
    port.send({ type: 'start', id: 3, start: start('test.sink') });
    expect(await port.until('start-failed')).toMatchObject({
      id: 3,
      trace: expect.stringContaining('levels from another build'),
    });
  });

  it("takes the worker's logger levels with each start, and when an operator changes them", async () => {
    const port = serve([]);
    port.send({ type: 'start', id: 7, start: start('test.missing') });
    await port.until('start-failed');
    port.send({ type: 'log-levels', levels: { root: 'INFO', 'org.msa.connect.runtime': 'TRACE' } });
    expect(applied).toEqual([
      { root: 'INFO', 'org.msa.connect.runtime': 'DEBUG' },
      { root: 'INFO', 'org.msa.connect.runtime': 'TRACE' },
    ]);
  });

  it('answers start-failed with a Connect trace for a class it does not know, and stopped after', async () => {
    const port = serve([]);
    port.send({ type: 'start', id: 7, start: start('test.missing') });
    const failed = await port.until('start-failed');
    expect(failed).toMatchObject({
      id: 7,
      trace: expect.stringContaining('Unknown connector class test.missing'),
    });
    port.send({ type: 'stop', id: 7 });
    await port.until('stopped');
  });

  it('runs no source task: only sinks run on threads', async () => {
    const port = serve([plugin('source', () => ({}) as SinkTask)]);
    port.send({ type: 'start', id: 7, start: start('test.source') });
    expect(await port.until('start-failed')).toMatchObject({
      trace: expect.stringContaining('Only sink tasks run on task threads'),
    });
  });

  it("keeps a failed start's clients until stop, then closes them and can take the next task", async () => {
    const closed: string[] = [];
    let stopped = 0;
    const port = serve(
      [
        plugin('sink', () => ({
          start: () => {
            throw new Error('database refused the connection');
          },
          put: async () => {},
          stop: () => void stopped++,
        })),
      ],
      closed,
    );
    port.send({ type: 'start', id: 7, start: start('test.sink') });
    expect(await port.until('start-failed')).toMatchObject({
      trace: expect.stringMatching(
        /^org\.apache\.kafka\.connect\.errors\.ConnectException: Error: database refused/,
      ),
    });
    expect(closed).toEqual([]);
    port.send({ type: 'stop', id: 7 });
    await port.until('stopped');
    expect(stopped).toBe(1);
    expect(closed).toContain('consumer');
    expect(closed).toContain('admin');

    port.posted.length = 0;
    port.send({ type: 'start', id: 8, start: start('test.sink') });
    expect(await port.until('start-failed')).toMatchObject({ id: 8 });
  });
});
