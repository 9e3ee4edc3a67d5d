import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { ServiceMetrics, serviceLogger, signJwt } from '@msa-sync/service-runtime';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayApp } from './gateway-app.js';
import { ServiceRegistry } from './service-registry.js';
import { UpstreamProxy } from './upstream-proxy.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

interface Upstream {
  url: string;
  received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

type Behaviour = 'echo' | 'reset' | 'hang' | 'big' | 'trickle';

/**
 * An instance: 'echo' answers with what it got, 'reset' drops the connection after reading the
 * request, 'hang' never answers, 'big' answers 64 KiB, 'trickle' sends a byte every 100 ms forever.
 */
async function upstream(name: string, behaviour: Behaviour = 'echo'): Promise<Upstream> {
  const received: Upstream['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (behaviour === 'reset') return req.socket.destroy();
      if (behaviour === 'hang') return;
      if (behaviour === 'big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ filler: 'x'.repeat(64 * 1024) }));
      }
      if (behaviour === 'trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => res.write('x'), 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ instance: name, method: req.method, url: req.url, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nobody listens on. */
async function deadUrl(): Promise<string> {
  const probe = await upstream('dead');
  await probe.close();
  return probe.url;
}

describe('gateway', () => {
  let registry: ServiceRegistry;
  let app: FastifyInstance;
  let proxy: UpstreamProxy;
  const upstreams: Upstream[] = [];
  const logger = serviceLogger('gateway', 'test', 'silent');

  async function instance(name: string, behaviour?: Behaviour, service = 'order-service') {
    const u = await upstream(name, behaviour);
    upstreams.push(u);
    registry.register({ service, instanceId: name, url: u.url, heartbeatIntervalMs: 60_000 });
    return u;
  }

  const token = (sub: string) => `Bearer ${signJwt({ sub }, SECRET, 600)}`;

  beforeEach(() => {
    registry = new ServiceRegistry();
    proxy = new UpstreamProxy(registry, { maxAttempts: 3, timeoutMs: 500 });
    app = createGatewayApp({
      instanceId: 'gateway-test',
      logger,
      metrics: new ServiceMetrics('gateway'),
      registry,
      proxy,
      jwtSecret: SECRET,
      bodyLimit: 4096,
    });
  });

  afterEach(async () => {
    await app.close();
    proxy.close();
    await Promise.all(upstreams.splice(0).map((u) => u.close()));
  });

  it('routes round robin, strips the service prefix and says which instance answered', async () => {
    await instance('order-1');
    await instance('order-2');
    const served: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await app.inject({
        url: '/order-service/u1/orders?x=1',
        headers: { authorization: token('u1') },
      });
      expect(r.statusCode).toBe(200);
      expect(r.json().url).toBe('/u1/orders?x=1');
      served.push(r.headers['x-instance-id'] as string);
    }
    expect(served).toEqual(['order-1', 'order-2', 'order-1', 'order-2']);
  });

  it('passes the caller’s request id on, or makes one, and forwards the prefix', async () => {
    const u = await instance('catalog-1', 'echo', 'catalog-service');
    const given = await app.inject({
      url: '/catalog-service/catalogs',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    expect(u.received[0]?.headers['x-request-id']).toBe('abc-123');
    expect(u.received[0]?.headers['x-forwarded-prefix']).toBe('/catalog-service');
    const made = await app.inject({
      url: '/catalog-service/catalogs',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(u.received[1]?.headers['x-request-id']).toBe(made.headers['x-request-id']);
  });

  it('retries a GET on the next instance when one refuses the connection, then skips the dead one', async () => {
    registry.register({
      service: 'order-service',
      instanceId: 'dead',
      url: await deadUrl(),
      heartbeatIntervalMs: 60_000,
    });
    const live = await instance('live');
    const first = await app.inject({
      url: '/order-service/u1/orders',
      headers: { authorization: token('u1') },
    });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-instance-id']).toBe('live');
    for (let i = 0; i < 3; i++) {
      const r = await app.inject({
        url: '/order-service/u1/orders',
        headers: { authorization: token('u1') },
      });
      expect(r.headers['x-instance-id']).toBe('live');
    }
    expect(live.received).toHaveLength(4);
  });

  it('sends a POST to the next instance only when the first connection was never made', async () => {
    registry.register({
      service: 'order-service',
      instanceId: 'dead',
      url: await deadUrl(),
      heartbeatIntervalMs: 60_000,
    });
    const live = await instance('live');
    const r = await app.inject({
      method: 'POST',
      url: '/order-service/u1/orders',
      headers: { authorization: token('u1'), 'content-type': 'application/json' },
      payload: '{"productId":"CATALOG-001","qty":1,"unitPrice":1}',
    });
    expect(r.statusCode).toBe(201);
    expect(live.received).toHaveLength(1);
    expect(live.received[0]?.body).toBe('{"productId":"CATALOG-001","qty":1,"unitPrice":1}');
  });

  it('never repeats a POST that reached an instance (the connection broke after sending)', async () => {
    const broken = await instance('broken', 'reset');
    const other = await instance('other');
    const r = await app.inject({
      method: 'POST',
      url: '/order-service/u1/orders',
      headers: { authorization: token('u1'), 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(r.statusCode).toBe(502);
    expect(r.json()).toMatchObject({ status: 502, error: 'UPSTREAM_FAILED' });
    expect(r.json().message).toContain('not retried');
    expect(broken.received).toHaveLength(1);
    expect(other.received).toHaveLength(0);
  });

  it('repeats a POST with an Idempotency-Key on the next instance, with the same key', async () => {
    const broken = await instance('broken', 'reset');
    const other = await instance('other');
    const r = await app.inject({
      method: 'POST',
      url: '/order-service/u1/orders',
      headers: { authorization: token('u1'), 'content-type': 'application/json', 'idempotency-key': 'k-42' },
      payload: '{"qty":1}',
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers['x-instance-id']).toBe('other');
    expect(broken.received).toHaveLength(1);
    expect(other.received[0]?.headers['idempotency-key']).toBe('k-42');
    expect(other.received[0]?.body).toBe('{"qty":1}');
  });

  it('caps the size of an answer (502) and the whole time of a request (504)', async () => {
    const capped = new UpstreamProxy(registry, {
      maxAttempts: 3,
      timeoutMs: 500,
      deadlineMs: 1000,
      maxResponseBytes: 1024,
    });
    try {
      await instance('big', 'big', 'catalog-service');
      await instance('trickle', 'trickle', 'user-service');
      const forward = (service: string) =>
        capped.forward({
          service,
          method: 'GET',
          path: '/x',
          headers: {},
          body: undefined,
          requestId: 'r-1',
          forwarded: { for: '127.0.0.1', host: 'h', proto: 'http', prefix: `/${service}` },
        });
      await expect(forward('catalog-service')).rejects.toMatchObject({
        code: 'UPSTREAM_TOO_LARGE',
        status: 502,
      });
      const started = Date.now();
      // Never silent for 500 ms, so only the 1 s deadline ends it.
      await expect(forward('user-service')).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      capped.close();
    }
  });

  it('repeats a GET whose connection broke on the next instance', async () => {
    const broken = await instance('broken', 'reset');
    const other = await instance('other');
    const r = await app.inject({ url: '/order-service/u1/orders', headers: { authorization: token('u1') } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-instance-id']).toBe('other');
    expect(broken.received).toHaveLength(1);
    expect(other.received).toHaveLength(1);
  });

  it('answers 504 when an instance does not answer in time, and does not retry it', async () => {
    await instance('slow', 'hang');
    const other = await instance('other');
    const r = await app.inject({ url: '/order-service/u1/orders', headers: { authorization: token('u1') } });
    expect(r.statusCode).toBe(504);
    expect(r.json().error).toBe('UPSTREAM_TIMEOUT');
    expect(other.received).toHaveLength(0);
  });

  it('answers 503 when no instance is registered', async () => {
    const r = await app.inject({ url: '/catalog-service/catalogs' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ status: 503, error: 'NO_INSTANCE' });
  });

  it('checks tokens on order and user-detail routes before forwarding anything', async () => {
    const orders = await instance('order-1');
    const users = await instance('user-1', 'echo', 'user-service');
    const none = await app.inject({ url: '/order-service/u1/orders' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toBe('UNAUTHORIZED');
    const forged = await app.inject({
      url: '/order-service/u1/orders',
      headers: {
        authorization: `Bearer ${signJwt({ sub: 'u1' }, 'another-secret-that-is-long-enough-too!!', 600)}`,
      },
    });
    expect(forged.statusCode).toBe(401);
    const expired = await app.inject({
      url: '/order-service/u1/orders',
      headers: { authorization: `Bearer ${signJwt({ sub: 'u1' }, SECRET, 60, Date.now() - 120_000)}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toContain('expired');
    const someoneElse = await app.inject({
      url: '/order-service/u1/orders',
      headers: { authorization: token('u2') },
    });
    expect(someoneElse.statusCode).toBe(403);
    const detail = await app.inject({
      url: '/user-service/users/u1',
      headers: { authorization: token('u2') },
    });
    expect(detail.statusCode).toBe(403);
    expect(orders.received).toHaveLength(0);
    expect(users.received).toHaveLength(0);

    const signUp = await app.inject({
      method: 'POST',
      url: '/user-service/users',
      payload: { email: 'a@b.c' },
    });
    const login = await app.inject({
      method: 'POST',
      url: '/user-service/login',
      payload: { email: 'a@b.c' },
    });
    expect([signUp.statusCode, login.statusCode]).toEqual([201, 201]);
    const own = await app.inject({ url: '/user-service/users/u1', headers: { authorization: token('u1') } });
    expect(own.statusCode).toBe(200);
    expect(users.received.at(-1)?.headers.authorization).toMatch(/^Bearer /);

    // Every user's email is for admins only: a user's token is refused, an admin's passes.
    const asUser = await app.inject({ url: '/user-service/users', headers: { authorization: token('u1') } });
    expect([asUser.statusCode, asUser.json().error]).toEqual([403, 'FORBIDDEN']);
    const roleAsText = await app.inject({
      url: '/user-service/users',
      headers: { authorization: `Bearer ${signJwt({ sub: 'u1', roles: 'admin' }, SECRET, 600)}` },
    });
    expect(roleAsText.statusCode).toBe(403);
    const received = users.received.length;
    const asAdmin = await app.inject({
      url: '/user-service/users',
      headers: { authorization: `Bearer ${signJwt({ sub: 'u9', roles: ['admin'] }, SECRET, 600)}` },
    });
    expect(asAdmin.statusCode).toBe(200);
    expect(users.received).toHaveLength(received + 1);
  });

  it('refuses paths the URL parser would rewrite, so a token for one user never reaches another’s orders', async () => {
    const orders = await instance('order-1');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // Raw requests: HTTP clients (and inject) normalise such paths before sending; attackers do not.
    const raw = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(
            `GET /order-service${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${token('u1')}\r\nConnection: close\r\n\r\n`,
          ),
        );
        let text = '';
        socket.on('data', (b: Buffer) => (text += b.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    for (const path of [
      '/u1/orders/../../u2/orders',
      '/u1/orders/%2e%2e/%2E%2E/u2/orders',
      '/u1/orders/..\\..\\u2/orders',
    ]) {
      const answer = await raw(path);
      expect(answer, path).toMatch(/^HTTP\/1\.1 400/);
      expect(answer).toContain('"error":"VALIDATION_FAILED"');
    }
    expect(orders.received).toHaveLength(0);
  });

  it('refuses bodies over its limit with a JSON 413', async () => {
    await instance('order-1');
    const r = await app.inject({
      method: 'POST',
      url: '/order-service/u1/orders',
      headers: { authorization: token('u1'), 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(8000) }),
    });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ status: 413, error: 'PAYLOAD_TOO_LARGE' });
  });

  it('serves the registry API: register, heartbeat, deregister', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/registry/instances',
      payload: { service: 'x', url: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await app.inject({
      method: 'POST',
      url: '/registry/instances',
      payload: {
        service: 'order-service',
        instanceId: 'o-9',
        url: 'http://127.0.0.1:1',
        heartbeatIntervalMs: 500,
      },
    });
    expect(ok.statusCode).toBe(201);
    expect((await app.inject({ method: 'PUT', url: '/registry/instances/o-9/heartbeat' })).statusCode).toBe(
      204,
    );
    expect(
      (await app.inject({ method: 'PUT', url: '/registry/instances/nobody/heartbeat' })).statusCode,
    ).toBe(404);
    const listed = await app.inject({ url: '/registry/instances' });
    expect(listed.json()).toEqual([expect.objectContaining({ instanceId: 'o-9', status: 'UP' })]);
    expect((await app.inject({ method: 'DELETE', url: '/registry/instances/o-9' })).statusCode).toBe(204);
    expect((await app.inject({ url: '/registry/instances' })).json()).toEqual([]);
  });

  it('keeps the registry closed to processes without its token, when it has one', async () => {
    const guarded = createGatewayApp({
      instanceId: 'guarded',
      logger,
      metrics: new ServiceMetrics('gateway'),
      registry,
      proxy,
      jwtSecret: SECRET,
      registryToken: 'let-me-in',
    });
    const payload = {
      service: 'order-service',
      instanceId: 'o-1',
      url: 'http://127.0.0.1:1',
      heartbeatIntervalMs: 500,
    };
    const post = (headers: Record<string, string>) =>
      guarded.inject({ method: 'POST', url: '/registry/instances', payload, headers });
    expect((await post({})).statusCode).toBe(401);
    expect((await post({ 'x-registry-token': 'let-me-ix' })).statusCode).toBe(401);
    expect((await post({ 'x-registry-token': 'let-me-in' })).statusCode).toBe(201);
    expect((await guarded.inject({ method: 'DELETE', url: '/registry/instances/o-1' })).statusCode).toBe(401);
    expect((await guarded.inject({ url: '/registry/instances' })).statusCode).toBe(200);
    await guarded.close();
  });

  it('has health and Prometheus metrics', async () => {
    await instance('order-1');
    await app.inject({ url: '/order-service/u1/orders', headers: { authorization: token('u1') } });
    const health = await app.inject({ url: '/health' });
    expect(health.json().checks['order-service']).toMatchObject({ status: 'UP' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('gateway_registered_instances{service="order-service"} 1');
    expect(metrics.body).toContain('http_requests_total');
  });
});
