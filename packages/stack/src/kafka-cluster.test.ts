import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clusterBootstrap,
  clusterIsDefault,
  clusterQuorum,
  clusterRunning,
  clusterSettings,
  defaultClusterSettings,
} from './kafka-cluster.js';
import { renderKraftProperties } from './kraft-node.js';
import { stackPaths } from './paths.js';

const parse = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('the 3-node cluster', () => {
  it('puts node i on MSA_KAFKA_PORT + 2(i-1) and its controller beside it', () => {
    const settings = defaultClusterSettings({});
    expect(settings.nodes.map((n) => [n.nodeId, n.port, n.controllerPort])).toEqual([
      [1, 9092, 9093],
      [2, 9094, 9095],
      [3, 9096, 9097],
    ]);
    expect(clusterBootstrap(settings)).toBe('127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096');
  });

  it('refuses ports that collide', () => {
    expect(() => clusterSettings({ ports: [1, 2, 3], controllerPorts: [3, 4, 5], heap: '256m' })).toThrow(
      /distinct/,
    );
    expect(() =>
      defaultClusterSettings({ MSA_KAFKA_PORT: '20000', MSA_KAFKA_CONTROLLER_PORT: '20002' }),
    ).toThrow(/distinct/);
  });

  it('writes each node with its own id, ports and log dir, every controller, RF 3 and min ISR 2', () => {
    const settings = clusterSettings({
      ports: [1001, 1002, 1003],
      controllerPorts: [2001, 2002, 2003],
      heap: '256m',
    });
    const node = settings.nodes[1];
    if (!node) throw new Error('no node 2');
    const props = parse(renderKraftProperties(node, clusterQuorum(settings), '/d/node-2'));
    expect(props['node.id']).toBe('2');
    expect(props['process.roles']).toBe('broker,controller');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:1002,CONTROLLER://127.0.0.1:2002');
    expect(props['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:2001,127.0.0.1:2002,127.0.0.1:2003');
    expect(props['log.dirs']).toBe('/d/node-2');
    expect(props['default.replication.factor']).toBe('3');
    expect(props['min.insync.replicas']).toBe('2');
    expect(props['offsets.topic.replication.factor']).toBe('3');
    expect(props['transaction.state.log.replication.factor']).toBe('3');
    expect(props['transaction.state.log.min.isr']).toBe('2');
  });
});

describe('whether a cluster is the default', () => {
  it('does not need valid cluster ports: a single broker may have its ports 2 apart', () => {
    const kafka = process.env.MSA_KAFKA_PORT;
    const controller = process.env.MSA_KAFKA_CONTROLLER_PORT;
    process.env.MSA_KAFKA_PORT = '38385';
    process.env.MSA_KAFKA_CONTROLLER_PORT = '38387';
    try {
      expect(() => defaultClusterSettings()).toThrow(/distinct ports/);
      const paths = stackPaths(mkdtempSync(join(tmpdir(), 'msa-cluster-default-')));
      expect(clusterRunning(paths)).toBe(false);
      expect(clusterIsDefault(paths)).toBe(false);
    } finally {
      if (kafka === undefined) delete process.env.MSA_KAFKA_PORT;
      else process.env.MSA_KAFKA_PORT = kafka;
      if (controller === undefined) delete process.env.MSA_KAFKA_CONTROLLER_PORT;
      else process.env.MSA_KAFKA_CONTROLLER_PORT = controller;
    }
  });
});
