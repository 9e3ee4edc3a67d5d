import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Herder } from '../herder/herder.js';
import { isAuthenticated, type RestCredentials } from './rest-auth.js';
import { createRestServer } from './rest-server.js';

const logger = pino({ enabled: false });
const herder = { workerId: '127.0.0.1:8083', kafkaClusterId: () => 'c1' } as unknown as Herder;
const credentials: RestCredentials = {
  basicUsers: new Map([['alice', 'pw-alice']]),
  bearerToken: 'token-0123456789abcdef',
};
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('REST authentication', () => {
  it('accepts the configured Basic user and bearer token, nothing else', () => {
    expect(isAuthenticated(basic('alice', 'pw-alice'), credentials)).toBe(true);
    expect(isAuthenticated(`bearer ${credentials.bearerToken}`, credentials)).toBe(true);
    for (const header of [
      undefined,
      '',
      'Basic',
      basic('alice', 'pw-alic'),
      basic('alice', 'pw-alice '),
      basic('bob', 'pw-alice'),
      basic('', 'pw-alice'),
      `Basic ${Buffer.from('alice').toString('base64')}`,
      'Bearer token-0123456789abcde',
      `Digest ${credentials.bearerToken}`,
    ]) {
      expect(isAuthenticated(header, credentials)).toBe(false);
    }
    expect(isAuthenticated(basic('alice', 'pw-alice'), { ...credentials, basicUsers: undefined })).toBe(
      false,
    );
    expect(
      isAuthenticated(`Bearer ${credentials.bearerToken}`, { ...credentials, bearerToken: undefined }),
    ).toBe(false);
  });

  it('answers 401 with WWW-Authenticate and a JSON error body, on routes and on unknown paths', async () => {
    const app = createRestServer({ herder, logger, advertisedUrl: 'http://127.0.0.1:8083', credentials });
    for (const url of ['/', '/connectors', '/no/such/route']) {
      const answer = await app.inject({ method: 'GET', url });
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['www-authenticate']).toEqual([
        'Basic realm="Kafka Connect", charset="UTF-8"',
        'Bearer realm="Kafka Connect"',
      ]);
      expect(answer.json()).toMatchObject({ error_code: 401 });
    }
    const ok = await app.inject({
      method: 'GET',
      url: '/',
      headers: { authorization: basic('alice', 'pw-alice') },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ kafka_cluster_id: 'c1' });
    await app.close();
  });
});

describe('REST Host check', () => {
  it('serves loopback names and the advertised name, 421 with a JSON body for any other Host', async () => {
    const app = createRestServer({
      herder,
      logger,
      advertisedUrl: 'http://127.0.0.1:8083',
      hostCheck: { names: ['connect-1.internal'], ports: [8083] },
    });
    for (const host of [
      'localhost:8083',
      '127.0.0.1:8083',
      '[::1]:8083',
      'LOCALHOST',
      'connect-1.internal:8083',
    ]) {
      expect((await app.inject({ method: 'GET', url: '/', headers: { host } })).statusCode).toBe(200);
    }
    for (const host of [
      'evil.example:8083',
      '127.0.0.1.evil.example',
      'localhost:9999',
      '[::2]:8083',
      'a:b:c',
    ]) {
      const answer = await app.inject({ method: 'GET', url: '/', headers: { host } });
      expect(answer.statusCode).toBe(421);
      expect(answer.json()).toMatchObject({ error_code: 421 });
    }
    await app.close();
  });
});
