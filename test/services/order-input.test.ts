import { signJwt } from '@msa-sync/service-runtime';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { readTopic } from '../support/topic-reader.js';
import { call, startService } from './shop-processes.js';
import { TestShop } from './test-shop.js';

const bootstrap = inject('kafkaBootstrap');

/**
 * Bad input through the gateway: every refusal is a JSON error body with a status, a code and
 * the request id, and nothing reaches Kafka (no half-written order).
 */
describe('bad input and access', () => {
  let db: TestDatabase;
  let shop: TestShop;
  let buyer: { userId: string; token: string; email: string };

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'input');
    shop = await TestShop.start({ bootstrap, database: db, orderInstances: 1 });
    buyer = await shop.newUser('buyer');
  }, 120_000);

  afterAll(async () => {
    await shop?.stop();
    await db?.drop();
  });

  const orderUrl = (userId: string) => `${shop.url}/order-service/${userId}/orders`;

  it('refuses bad orders with 400/404/413/415 JSON errors and writes nothing', async () => {
    const post = (body: unknown, extra: Parameters<typeof call>[2] = {}) =>
      call('POST', orderUrl(buyer.userId), { token: buyer.token, body, requestId: 'bad-input-1', ...extra });
    const valid = { productId: 'CATALOG-001', qty: 1, unitPrice: 1500 };
    const cases: [string, Awaited<ReturnType<typeof post>>, number, string][] = [
      ['qty 0', await post({ ...valid, qty: 0 }), 400, 'VALIDATION_FAILED'],
      ['qty -3', await post({ ...valid, qty: -3 }), 400, 'VALIDATION_FAILED'],
      ['qty as text', await post({ ...valid, qty: '5' }), 400, 'VALIDATION_FAILED'],
      ['qty 1.5', await post({ ...valid, qty: 1.5 }), 400, 'VALIDATION_FAILED'],
      ['no productId', await post({ qty: 1, unitPrice: 1 }), 400, 'VALIDATION_FAILED'],
      ['empty object', await post({}), 400, 'VALIDATION_FAILED'],
      ['an array', await post([valid]), 400, 'VALIDATION_FAILED'],
      [
        'int32 overflow',
        await post({ ...valid, qty: 100_000, unitPrice: 100_000 }),
        400,
        'VALIDATION_FAILED',
      ],
      ['not JSON', await post(undefined, { rawBody: '{"productId": ' }), 400, 'INVALID_JSON'],
      ['empty body', await post(undefined, { rawBody: '' }), 400, 'INVALID_JSON'],
      [
        'text/plain',
        await post(undefined, { rawBody: 'qty=1', contentType: 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['20 KB body', await post({ ...valid, note: 'x'.repeat(20_000) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['2 MB body', await post({ ...valid, note: 'x'.repeat(2_000_000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, reply, status, code] of cases) {
      expect(reply.status, name).toBe(status);
      expect(reply.body, name).toMatchObject({ status, error: code, requestId: 'bad-input-1' });
      expect(typeof reply.body.message, name).toBe('string');
    }
    const details = cases[0]?.[1].body.details;
    expect(details).toEqual([{ field: 'qty', problem: 'must be greater than 0' }]);

    // A user that does not exist (with a valid token for that id): 404, on POST and GET.
    const ghost = 'no-such-user-0000';
    const ghostToken = signJwt({ sub: ghost }, shop.jwtSecret, 600);
    const unknownPost = await call('POST', orderUrl(ghost), { token: ghostToken, body: valid });
    expect(unknownPost.status).toBe(404);
    expect(unknownPost.body).toMatchObject({ status: 404, error: 'USER_NOT_FOUND' });
    expect((await call('GET', orderUrl(ghost), { token: ghostToken })).status).toBe(404);

    const ordersTopic = await readTopic(bootstrap, shop.topics.orders).catch(() => []);
    const catalogTopic = await readTopic(bootstrap, shop.topics.catalogOrders).catch(() => []);
    expect(ordersTopic).toHaveLength(0);
    expect(catalogTopic).toHaveLength(0);

    // …and a good order after all that goes through.
    const good = await post(valid);
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ productId: 'CATALOG-001', qty: 1, unitPrice: 1500, totalPrice: 1500 });
    expect(good.body.orderId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(good.headers.get('x-request-id')).toBe('bad-input-1');
  });

  it('guards order and user-detail routes with the user’s own token', async () => {
    const other = await shop.newUser('other');
    expect((await call('GET', orderUrl(buyer.userId))).status).toBe(401);
    expect((await call('GET', orderUrl(buyer.userId), { token: 'not.a.token' })).status).toBe(401);
    const forbidden = await call('GET', orderUrl(buyer.userId), { token: other.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ status: 403, error: 'FORBIDDEN' });
    expect(
      (await call('GET', `${shop.url}/user-service/users/${buyer.userId}`, { token: other.token })).status,
    ).toBe(403);
    expect((await call('GET', `${shop.url}/user-service/users/${buyer.userId}`)).status).toBe(401);
    expect((await call('GET', orderUrl(buyer.userId), { token: buyer.token })).status).toBe(200);
  });

  it('keeps passwords out of every answer and refuses bad sign-ups and logins', async () => {
    const users = `${shop.url}/user-service/users`;
    // A taken email: the same 201 as a new one (nothing tells the email has an account), and
    // nothing changes — the owner still logs in with their password, the other password fails.
    const dup = await call('POST', users, {
      body: { email: buyer.email, name: 'Again', pwd: 'other-pass-1' },
    });
    expect(dup.status).toBe(201);
    expect(Object.keys(dup.body).sort()).toEqual(['createdAt', 'email', 'name', 'userId']);
    expect(dup.body.userId).not.toBe(buyer.userId);
    const asOther = await call('POST', `${shop.url}/user-service/login`, {
      body: { email: buyer.email, password: 'other-pass-1' },
    });
    expect(asOther.status).toBe(401);
    const asOwner = await call('POST', `${shop.url}/user-service/login`, {
      body: { email: buyer.email, password: 'test12345' },
    });
    expect([asOwner.status, asOwner.body.userId]).toEqual([200, buyer.userId]);
    const bad = await call('POST', users, { body: { email: 'nope', name: '', pwd: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['email', 'name', 'pwd']);
    const wrong = await call('POST', `${shop.url}/user-service/login`, {
      body: { email: buyer.email, password: 'wrong-pass' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('INVALID_CREDENTIALS');
    const nobody = await call('POST', `${shop.url}/user-service/login`, {
      body: { email: 'x@y.zz', password: 'test12345' },
    });
    expect(nobody.status).toBe(401);

    // Every user's email is for admins (ADMIN_EMAILS) only.
    expect((await call('GET', users, { token: buyer.token })).status).toBe(403);
    const admin = await shop.newUser('admin', shop.adminEmail);
    const list = await call('GET', users, { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.map((u: { userId: string }) => u.userId)).toContain(buyer.userId);
    const detail = await call('GET', `${users}/${buyer.userId}`, { token: buyer.token });
    for (const text of [JSON.stringify(list.body), JSON.stringify(detail.body)]) {
      expect(text).not.toMatch(/pwd|password|scrypt/i);
    }
    expect(detail.body).toMatchObject({
      email: buyer.email,
      userId: buyer.userId,
      orders: expect.any(Array),
    });
    const stored = await (await db.connect()).query<{ encrypted_pwd: string }>(
      'SELECT encrypted_pwd FROM users WHERE email = ?',
      [buyer.email],
    );
    expect(stored[0]?.encrypted_pwd).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it('rate limits sign-up and login per email and per client address: 429 with Retry-After', async () => {
    // An instance of its own with small limits (the shop's are generous for load runs), reached
    // directly: the test plays the gateway and sets x-forwarded-for.
    const limited = await startService('user-service', 'user-service-limited', {
      ...shop.env(),
      GATEWAY_URL: '',
      AUTH_LIMIT_IP_BURST: '4',
      AUTH_LIMIT_IP_PER_MINUTE: '1',
      AUTH_LIMIT_EMAIL_BURST: '2',
      AUTH_LIMIT_EMAIL_PER_MINUTE: '1',
    });
    try {
      const login = (email: string, ip: string) =>
        call('POST', `${limited.url}/login`, {
          body: { email, password: 'guess-123456' },
          headers: { 'x-forwarded-for': ip },
        });
      expect((await login('guessed@example.com', '10.0.0.1')).status).toBe(401);
      expect((await login('guessed@example.com', '10.0.0.1')).status).toBe(401);
      const byEmail = await login('guessed@example.com', '10.0.0.9');
      expect([byEmail.status, byEmail.body.error]).toEqual([429, 'TOO_MANY_REQUESTS']);
      expect(Number(byEmail.headers.get('retry-after'))).toBeGreaterThan(0);
      // Other emails from the same address, until the address's burst (4) is spent; sign-up counts too.
      expect((await login('other-1@example.com', '10.0.0.1')).status).toBe(401);
      const signUp = await call('POST', `${limited.url}/users`, {
        body: { email: 'other-2@example.com', name: 'Other', pwd: 'test12345' },
        headers: { 'x-forwarded-for': '10.0.0.1' },
      });
      expect(signUp.status).toBe(201);
      const byClient = await login('other-3@example.com', '10.0.0.1');
      expect([byClient.status, byClient.body.error]).toEqual([429, 'TOO_MANY_REQUESTS']);
      expect(Number(byClient.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.kill();
    }
  }, 240_000);

  it('answers unknown routes with a JSON 404 and serves health and metrics on every service', async () => {
    const missing = await call('GET', `${shop.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, error: 'NOT_FOUND' });
    for (const p of [shop.gateway, shop.user, ...shop.orders]) {
      const health = await call('GET', `${p.url}/health`);
      expect(health.status, p.name).toBe(200);
      expect(health.body.status).toBe('UP');
      const metrics = await fetch(`${p.url}/metrics`);
      expect(await metrics.text()).toContain('http_requests_total');
    }
    const orderMetrics = await (await fetch(`${shop.orders[0]?.url}/metrics`)).text();
    expect(orderMetrics).toMatch(/orders_total\{outcome="invalid",service="order-service"\} \d+/);
  });
});
