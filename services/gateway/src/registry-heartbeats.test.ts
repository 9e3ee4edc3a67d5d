import { RegistryClient, serviceLogger } from '@msa-sync/service-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewaySettings, type RunningGateway, startGateway } from './gateway.js';

const logger = serviceLogger('test', 'registry', 'silent');

function settings(port = 0): GatewaySettings {
  return {
    host: '127.0.0.1',
    port,
    jwtSecret: 'a-test-secret-that-is-long-enough-for-hs256',
    missedHeartbeats: 3,
    upstreamTimeoutMs: 1000,
    requestDeadlineMs: 5000,
    maxResponseBytes: 1024 * 1024,
    maxAttempts: 3,
    registryToken: 'token-1',
    logLevel: 'silent',
    instanceId: 'gateway-test',
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The registry client of every service against the real gateway: register, heartbeat, come back, leave. */
describe('registration with heartbeats', () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
  });

  it('registers, is evicted after missed heartbeats, registers again after a gateway restart, and leaves', async () => {
    gateway = await startGateway(settings(), logger);
    const port = Number(new URL(gateway.url).port);
    const client = new RegistryClient({
      gatewayUrl: gateway.url,
      service: 'order-service',
      instanceId: 'order-x',
      url: 'http://127.0.0.1:1',
      heartbeatIntervalMs: 100,
      registryToken: 'token-1',
      logger,
    });
    client.start();
    await until(() => gateway?.registry.aliveCount('order-service') === 1);

    // A gateway that restarts knows nobody; the next heartbeat gets 404 and the client registers again.
    await gateway.close();
    gateway = await startGateway(settings(port), logger);
    expect(gateway.registry.aliveCount('order-service')).toBe(0);
    await until(() => gateway?.registry.aliveCount('order-service') === 1);

    await client.stop();
    expect(gateway.registry.snapshot()).toEqual([]);
  });

  it('stops routing to an instance that went silent and evicts it within a sweep', async () => {
    gateway = await startGateway(settings(), logger);
    const registered = await fetch(`${gateway.url}/registry/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-registry-token': 'token-1' },
      body: JSON.stringify({
        service: 'order-service',
        instanceId: 'silent',
        url: 'http://127.0.0.1:1',
        heartbeatIntervalMs: 100,
      }),
    });
    expect(registered.status).toBe(201);
    const since = Date.now();
    // No heartbeat follows, as from a process killed with SIGKILL.
    await until(() => gateway?.registry.aliveCount('order-service') === 0, 2000);
    await until(() => gateway?.registry.snapshot().length === 0, 2000);
    expect(Date.now() - since).toBeLessThan(1500);
  });
});
