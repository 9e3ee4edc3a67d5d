import { describe, expect, it } from 'vitest';
import { renderServerProperties } from './kafka-broker.js';
import { newClusterId } from './kraft-node.js';

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

describe('newClusterId', () => {
  it('never starts with a dash (the storage tool would take it for an option)', () => {
    // The first draw encodes to '-' first (0xf8 → 62 → '-'), the second does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(newClusterId(() => draws.shift() as Buffer)).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    for (let i = 0; i < 2000; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
