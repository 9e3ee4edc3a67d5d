import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  freePort,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import {
  type Browser,
  type ConsoleProcess,
  expectNoBrowserErrors,
  openBrowser,
  startConsole,
} from './console-browser.js';

const BASIC_AUTH_EXTENSION =
  'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * A worker whose REST API asks for Basic credentials (Apache's extension and JAAS file): the
 * console asks for the same ones, and a browser that gives them sees the cluster.
 */
describe('operator console behind the Connect REST API’s credentials', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let consoleProcess: ConsoleProcess;
  let browser: Browser | undefined;
  const good = basic('ops', 'ops-console-secret');

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msa-console-auth-'));
    const credentials = join(dir, 'credentials.properties');
    writeFileSync(credentials, 'ops: ops-console-secret\n');
    const jaas = join(dir, 'connect_jaas.conf');
    writeFileSync(
      jaas,
      `KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="${credentials}";\n};\n`,
    );
    worker = await startWorker(
      clusterSettings(bootstrap, uniqueName('console-auth'), {
        'rest.extension.classes': BASIC_AUTH_EXTENSION,
        'java.security.auth.login.config': jaas,
      }),
      undefined,
      { headers: { authorization: good } },
    );
    consoleProcess = await startConsole({
      MSA_CONNECT_URL: worker.url,
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      MSA_GATEWAY_PORT: String(await freePort()),
    });
  });

  afterEach(() => expectNoBrowserErrors(browser, consoleProcess));

  afterAll(async () => {
    await browser?.context.close();
    await consoleProcess?.stop();
    await worker?.kill();
  });

  it('answers 401 with a Basic challenge without the credentials, and serves with them', async () => {
    for (const path of ['/', '/api/overview', '/api/topics']) {
      const response = await fetch(`${consoleProcess.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await response.json()).toMatchObject({ error_code: 401 });
    }
    const wrong = await fetch(`${consoleProcess.url}/api/overview`, {
      headers: { authorization: basic('ops', 'guess') },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${consoleProcess.url}/api/overview`, { headers: { authorization: good } });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ connectors: [], connectUrl: worker.url });
    // The worker itself still refuses a caller without them: the console did not open it up.
    expect((await rest(worker.url, 'GET', '/connectors')).status).toBe(401);
  });

  it('shows the cluster to a browser that signs in with the worker’s user', async () => {
    browser = await openBrowser({ httpCredentials: { username: 'ops', password: 'ops-console-secret' } });
    const { page } = browser;
    await page.goto(`${consoleProcess.url}/#/`);
    await page.locator('text=No connectors.').waitFor();
    await page.locator('text=Cluster id').waitFor();
    await page.goto(`${consoleProcess.url}/#/topics`);
    await page.locator('main table').waitFor();
  });
});
