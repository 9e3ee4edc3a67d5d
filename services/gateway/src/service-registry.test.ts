import { describe, expect, it } from 'vitest';
import { RegistrationError, ServiceRegistry } from './service-registry.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const order = (n: number) => ({
  service: 'order-service',
  instanceId: `order-${n}`,
  url: `http://127.0.0.1:${9000 + n}`,
  heartbeatIntervalMs: 1000,
});

function picks(registry: ServiceRegistry, count: number, service = 'order-service'): (string | undefined)[] {
  return Array.from({ length: count }, () => registry.next(service)?.instanceId);
}

describe('ServiceRegistry', () => {
  it('hands out instances round robin, in registration order', () => {
    const registry = new ServiceRegistry({ now: clock().now });
    for (const n of [1, 2, 3]) registry.register(order(n));
    expect(picks(registry, 7)).toEqual([
      'order-1',
      'order-2',
      'order-3',
      'order-1',
      'order-2',
      'order-3',
      'order-1',
    ]);
    expect(registry.next('user-service')).toBeUndefined();
  });

  it('treats an instance as dead after 3 missed heartbeats and evicts it', () => {
    const time = clock();
    const registry = new ServiceRegistry({ now: time.now });
    registry.register(order(1));
    registry.register(order(2));
    time.advance(2500);
    expect(registry.heartbeat('order-2')).toBe(true);
    time.advance(600); // order-1 silent for 3.1 s > 3 × 1 s
    expect(picks(registry, 3)).toEqual(['order-2', 'order-2', 'order-2']);
    expect(registry.aliveCount('order-service')).toBe(1);
    expect(registry.evictSilent().map((i) => i.instanceId)).toEqual(['order-1']);
    expect(registry.snapshot().map((i) => i.instanceId)).toEqual(['order-2']);
  });

  it('keeps an instance alive through exactly missedHeartbeats intervals of silence', () => {
    const time = clock();
    const registry = new ServiceRegistry({ now: time.now, missedHeartbeats: 3 });
    registry.register(order(1));
    time.advance(3000);
    expect(registry.next('order-service')?.instanceId).toBe('order-1');
    time.advance(1);
    expect(registry.next('order-service')).toBeUndefined();
  });

  it('answers a late heartbeat with "register again" and forgets the instance', () => {
    const time = clock();
    const registry = new ServiceRegistry({ now: time.now });
    registry.register(order(1));
    time.advance(5000);
    expect(registry.heartbeat('order-1')).toBe(false);
    expect(registry.heartbeat('unknown')).toBe(false);
    expect(registry.snapshot()).toEqual([]);
    registry.register(order(1));
    expect(registry.next('order-service')?.instanceId).toBe('order-1');
  });

  it('skips a suspect instance while another is healthy, and uses it when it is the only one left', () => {
    const time = clock();
    const registry = new ServiceRegistry({ now: time.now, suspectMs: 2000 });
    registry.register(order(1));
    registry.register(order(2));
    registry.markFailed('order-1');
    expect(picks(registry, 3)).toEqual(['order-2', 'order-2', 'order-2']);
    expect(registry.snapshot().find((i) => i.instanceId === 'order-1')?.status).toBe('SUSPECT');
    expect(registry.next('order-service', new Set(['order-2']))?.instanceId).toBe('order-1');
    time.advance(2001);
    expect(new Set(picks(registry, 2))).toEqual(new Set(['order-1', 'order-2']));
  });

  it('honours the exclusion set (instances already tried for this request)', () => {
    const registry = new ServiceRegistry({ now: clock().now });
    for (const n of [1, 2, 3]) registry.register(order(n));
    expect(registry.next('order-service', new Set(['order-1', 'order-2']))?.instanceId).toBe('order-3');
    expect(registry.next('order-service', new Set(['order-1', 'order-2', 'order-3']))).toBeUndefined();
  });

  it('re-registration of the same instance id replaces its URL without duplicating it', () => {
    const registry = new ServiceRegistry({ now: clock().now });
    registry.register(order(1));
    registry.register({ ...order(1), url: 'http://127.0.0.1:9999' });
    expect(registry.snapshot()).toHaveLength(1);
    expect(registry.next('order-service')?.url).toBe('http://127.0.0.1:9999');
  });

  it('deregisters at once', () => {
    const registry = new ServiceRegistry({ now: clock().now });
    registry.register(order(1));
    registry.register(order(2));
    expect(registry.deregister('order-1')).toBe(true);
    expect(registry.deregister('order-1')).toBe(false);
    expect(picks(registry, 2)).toEqual(['order-2', 'order-2']);
  });

  it('refuses registrations that could not be routed to', () => {
    const registry = new ServiceRegistry();
    expect(() => registry.register({ ...order(1), url: 'not a url' })).toThrow(RegistrationError);
    expect(() => registry.register({ ...order(1), url: 'http://127.0.0.1:1/path' })).toThrow(
      RegistrationError,
    );
    expect(() => registry.register({ ...order(1), url: 'file:///etc/passwd' })).toThrow(RegistrationError);
    expect(() => registry.register({ ...order(1), service: 'Bad Name' })).toThrow(RegistrationError);
    expect(() => registry.register({ ...order(1), instanceId: '' })).toThrow(RegistrationError);
    expect(() => registry.register({ ...order(1), heartbeatIntervalMs: 5 })).toThrow(RegistrationError);
  });
});
