import { describe, expect, it } from 'vitest';
import { renderServerProperties } from './kafka-broker.js';

describe('renderServerProperties', () => {
  it('describes a combined KRaft node on the given ports with single-replica internal topics', () => {
    const text = renderServerProperties(
      { host: '127.0.0.1', port: 9092, controllerPort: 9093, heap: '512m' },
      '/d/logs',
    );
    const props = Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(props['process.roles']).toBe('broker,controller');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(props['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:9093');
    expect(props['log.dirs']).toBe('/d/logs');
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
  });
});
