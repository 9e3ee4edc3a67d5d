import { createProducer, type KafkaProducer } from '@msa-sync/kafka';
import type { SqlClient } from '@msa-sync/sql';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  freePort,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { createReadyTopic } from '../support/topics.js';
import {
  type Browser,
  type ConsoleProcess,
  expectNoBrowserErrors,
  openBrowser,
  startConsole,
} from './console-browser.js';

/**
 * The operator console (issue 18) in a real browser: Debian's chromium driven by playwright-core,
 * against a real worker, broker and MariaDB. One connector's life through the pages, each step as
 * an operator does it; any error in the browser's console fails the test. The screenshots the
 * README shows are taken here (docs/screenshots/).
 */
const SINK = 'io.confluent.connect.jdbc.JdbcSinkConnector';

const orderSchema = {
  type: 'struct',
  name: 'orders',
  optional: false,
  fields: [
    { type: 'int32', optional: false, field: 'order_id' },
    { type: 'string', optional: true, field: 'email' },
    { type: 'int32', optional: true, field: 'qty' },
  ],
};
const orderJson = (id: number, email: string | null) =>
  JSON.stringify({ schema: orderSchema, payload: { order_id: id, email, qty: id % 5 } });

type Status = { connector: { state: string }; tasks: { state: string }[] };

describe('operator console in Chromium', () => {
  const bootstrap = inject('kafkaBootstrap');
  const suffix = uniqueName('c').replaceAll('-', '_');
  const topic = `console_orders_${suffix}`;
  const dlq = `console-dlq-${suffix}`;
  const name = `console-sink-${suffix}`;
  let worker: WorkerProcess;
  let db: TestDatabase;
  let client: SqlClient;
  let producer: KafkaProducer;
  let consoleProcess: ConsoleProcess;
  let consoleUrl: string;
  let browser: Browser;
  let page: Page;

  const status = async () => (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const shot = (file: string) => browser.shot(file);
  /** Sets a generated form field, a select or a text input, as a user does. */
  const setField = async (key: string, value: string) => {
    const field = page.locator(`[data-key="${key}"]`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  };

  beforeAll(async () => {
    db = await createTestDatabase('mariadb', 'console');
    client = await db.connect();
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    await client.execute(
      `CREATE TABLE ${q(topic)} (${q('order_id')} INT NOT NULL PRIMARY KEY, ${q('email')} VARCHAR(100) NOT NULL, ${q('qty')} INT NULL)`,
    );
    await createReadyTopic(bootstrap, topic);
    producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'console-test' });
    // Order 3 has no email: the table refuses it and the sink sends it to the dead letter queue.
    await producer.send({
      messages: [1, 2, 3, 4, 5].map((id) => ({
        topic,
        partition: 0,
        value: Buffer.from(orderJson(id, id === 3 ? null : `o${id}@shop.test`)),
      })),
    });
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('console')));

    consoleProcess = await startConsole({
      MSA_CONNECT_URL: worker.url,
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      DATABASE_URL: db.url,
      DATABASE_USER: db.user ?? '',
      MSA_GATEWAY_PORT: String(await freePort()),
    });
    consoleUrl = consoleProcess.url;
    browser = await openBrowser();
    page = browser.page;
  });

  afterEach(() => expectNoBrowserErrors(browser, consoleProcess));

  afterAll(async () => {
    await browser?.context.close();
    await consoleProcess?.stop();
    await rest(worker.url, 'DELETE', `/connectors/${name}`).catch(() => {});
    await producer?.close();
    await worker?.kill();
    await client?.close();
    await db?.drop().catch(() => {});
  });

  it('creates a JDBC sink through the generated form, a field error fixed on the way', async () => {
    await page.goto(`${consoleUrl}/#/new`);
    await page.locator('#connector-class').selectOption(SINK);
    await page.locator('#connector-name').fill(name);
    await page.locator('[data-key="connection.url"]').waitFor();
    // Groups and help text come from the plugin's definitions.
    expect(await page.locator('fieldset legend').allTextContents()).toContain('Connection');
    await setField('connection.url', db.url);
    await setField('connection.user', db.user ?? '');
    await setField('topics', topic);
    await setField('errors.tolerance', 'all');
    await setField('errors.deadletterqueue.topic.name', dlq);
    await setField('errors.deadletterqueue.topic.replication.factor', '1');
    await setField('errors.deadletterqueue.context.headers.enable', 'true');
    // A wrong value is reported at its field while the user types…
    await setField('batch.size', 'lots');
    const errors = page.locator('[data-field="batch.size"] .errors');
    await expect.poll(() => errors.textContent(), { timeout: 15_000 }).toMatch(/batch\.size/);
    expect(await page.locator('[data-key="batch.size"]').getAttribute('aria-invalid')).toBe('true');
    await page.locator('[data-field="batch.size"]').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('connector-form.png');
    // …and goes when it is fixed.
    await setField('batch.size', '100');
    await expect.poll(() => errors.textContent(), { timeout: 15_000 }).toBe('');
    await expect.poll(() => page.locator('[role="status"]').last().textContent()).toBe('No errors');

    // The JSON view shows the same config; back in the form, nothing is lost.
    await page.getByRole('button', { name: 'JSON view' }).click();
    const json = JSON.parse(await page.locator('#config-json').inputValue());
    expect(json).toMatchObject({ name, 'connector.class': SINK, topics: topic, 'batch.size': '100' });
    await page.getByRole('button', { name: 'JSON view' }).click();
    expect(await page.locator('[data-key="batch.size"]').inputValue()).toBe('100');
    await expect.poll(() => page.locator('[role="status"]').last().textContent()).toBe('No errors');

    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(`**/#/connectors/${name}`);
    const config = (await rest(worker.url, 'GET', `/connectors/${name}/config`)).body as Record<
      string,
      string
    >;
    expect(config).toMatchObject({
      'connector.class': SINK,
      topics: topic,
      'batch.size': '100',
      'errors.tolerance': 'all',
    });
  });

  it('shows the task RUNNING, then pauses and resumes the connector', async () => {
    const taskState = page.locator('tr[data-task="0"] .state');
    await expect.poll(() => taskState.textContent(), { timeout: 90_000 }).toBe('RUNNING');
    await eventually(
      '4 rows written',
      async () => {
        const rows = await client.query<{ n: unknown }>(
          `SELECT COUNT(*) AS n FROM ${db.dialect.quoteIdentifier(topic)}`,
        );
        return Number(rows[0]?.n) === 4;
      },
      60_000,
    );
    // The committed offsets, and a few points of the lag and throughput charts.
    await page.locator('#offsets').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(9000);
    await shot('connector.png');

    await page.getByRole('button', { name: 'Pause' }).click();
    await eventually('PAUSED in Connect', async () => (await status()).connector.state === 'PAUSED');
    await expect
      .poll(() => page.locator('#main .state').first().textContent(), { timeout: 15_000 })
      .toBe('PAUSED');
    await page.getByRole('button', { name: 'Resume' }).click();
    await eventually('RUNNING in Connect', async () => (await status()).connector.state === 'RUNNING');
    await expect
      .poll(() => page.locator('#main .state').first().textContent(), { timeout: 15_000 })
      .toBe('RUNNING');
    // Restart with its tasks, only the failed ones (none): Connect accepts it, the task keeps running.
    await page.getByLabel('include tasks').check();
    await page.getByLabel('only failed').check();
    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await page.locator('.toast', { hasText: 'Restart: done' }).waitFor();
    await eventually('RUNNING after the restart', async () => (await status()).tasks[0]?.state === 'RUNNING');
  });

  it('shows the cluster overview: connectors, tasks by state, a failed task with its trace one click away', async () => {
    // A second sink on the same topic that tolerates no error: the rows are there already, so its
    // task fails on the first write.
    const strict = `${name}-strict`;
    const created = await rest(worker.url, 'PUT', `/connectors/${strict}/config`, {
      'connector.class': SINK,
      'connection.url': db.url,
      'connection.user': db.user ?? '',
      topics: topic,
      'table.name.format': topic,
    });
    expect(created.status).toBe(201);
    await eventually(
      'the strict sink to fail',
      async () =>
        ((await rest(worker.url, 'GET', `/connectors/${strict}/status`)).body as Status).tasks[0]?.state ===
        'FAILED',
      60_000,
    );
    await page.goto(`${consoleUrl}/#/`);
    const row = page.locator('tr', { has: page.locator(`a[href="#/connectors/${name}"]`) });
    await expect.poll(() => row.locator('.state').first().textContent(), { timeout: 15_000 }).toBe('RUNNING');
    const failed = page.locator('details', { hasText: `${strict} task 0` });
    await failed.waitFor({ timeout: 15_000 });
    const trace = failed.locator('pre');
    expect(await trace.isVisible()).toBe(false);
    await failed.locator('summary').click();
    expect(await trace.isVisible()).toBe(true);
    expect(await trace.textContent()).toMatch(/\S/);
    await page.locator('text=Cluster id').waitFor();
    await shot('overview.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('overview-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
    // Gone again before the page polls for it: the overview reads no single connector.
    expect((await rest(worker.url, 'DELETE', `/connectors/${strict}`)).status).toBe(204);
  });

  it('lists the topic with its records and size, and browses it: key, payload beside its schema', async () => {
    await page.goto(`${consoleUrl}/#/topics`);
    const row = page.locator('tr', { has: page.locator(`a[href="#/topics/${topic}"]`) });
    await row.waitFor({ timeout: 20_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1, 4)).toEqual(['1', '1', '5']);
    expect(cells[4]).toMatch(/^\d+(\.\d)? (B|KiB)$/);
    await row.locator('a').click();
    await page.waitForURL(`**/#/topics/${topic}`);
    const records = page.locator('#records article.record');
    await expect.poll(() => records.count(), { timeout: 20_000 }).toBe(5);
    const first = records.first();
    expect(await first.getAttribute('data-offset')).toBe('0');
    expect(JSON.parse((await first.locator('pre[aria-label="Value payload"]').textContent()) ?? '')).toEqual({
      order_id: 1,
      email: 'o1@shop.test',
      qty: 1,
    });
    expect(await first.locator('pre[aria-label="Value schema"]').textContent()).toContain('"struct"');
    // From an offset: records 3 and 4.
    await page.locator('#start-mode').selectOption('offset');
    await page.locator('#start-at').fill('3');
    await page.getByRole('button', { name: 'Read' }).click();
    await expect
      .poll(async () =>
        (await records.evaluateAll((els) => els.map((e) => e.getAttribute('data-offset')))).join(','),
      )
      .toBe('3,4');
    await page.locator('#start-mode').selectOption('last');
    await page.getByRole('button', { name: 'Read' }).click();
    await expect.poll(() => records.count()).toBe(5);
    await shot('topic.png');
  });

  it("decodes a dead letter record's error headers", async () => {
    await page.goto(`${consoleUrl}/#/dlq?topic=${dlq}`);
    const table = page.locator('table[aria-label="Dead letter context"]').first();
    await table.waitFor({ timeout: 30_000 });
    const text = (await table.textContent()) ?? '';
    expect(text).toContain(`${topic} partition 0 offset 2`);
    expect(text).toContain('TASK_PUT');
    expect(text).toContain(`${name} task 0`);
    expect(await table.locator('td.error-text').textContent()).toContain(topic);
    await shot('dead-letters.png');
  });

  it('edits the connector through the same form, prefilled with its config', async () => {
    await page.goto(`${consoleUrl}/#/connectors/${name}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(`**/#/connectors/${name}/edit`);
    const batch = page.locator('[data-key="batch.size"]');
    await expect.poll(() => batch.inputValue(), { timeout: 20_000 }).toBe('100');
    expect(await page.locator('#connector-name').isDisabled()).toBe(true);
    // With the keyboard: focus, select, type.
    await batch.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('200');
    await expect.poll(() => page.locator('[role="status"]').last().textContent()).toBe('No errors');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`**/#/connectors/${name}`);
    const config = (await rest(worker.url, 'GET', `/connectors/${name}/config`)).body as Record<
      string,
      string
    >;
    expect(config).toMatchObject({
      'batch.size': '200',
      topics: topic,
      'errors.deadletterqueue.topic.name': dlq,
    });
    await eventually(
      'RUNNING after the edit',
      async () => (await status()).tasks[0]?.state === 'RUNNING',
      60_000,
    );
  });

  it('stops the connector and edits its offsets', async () => {
    await page.goto(`${consoleUrl}/#/connectors/${name}`);
    await page.getByRole('button', { name: 'Stop' }).click();
    await eventually('STOPPED in Connect', async () => (await status()).connector.state === 'STOPPED');
    const input = page.locator('#offsets input[data-offset-index="0"]');
    await input.waitFor({ timeout: 20_000 });
    expect(await input.inputValue()).toBe('5');
    await input.fill('2');
    await page.getByRole('button', { name: 'Save offsets' }).click();
    await eventually('offset 2 in Connect', async () => {
      const body = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as {
        offsets: { offset: { kafka_offset: number } }[];
      };
      return body.offsets[0]?.offset.kafka_offset === 2;
    });
    await expect.poll(() => input.inputValue(), { timeout: 10_000 }).toBe('2');
    await shot('offsets.png');
  });

  it('deletes the connector once the operator confirms', async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Escape cancels (the dialog is keyboard-operable); the connector stays.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await rest(worker.url, 'GET', '/connectors')).body).toContain(name);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/#\/$/);
    await eventually(
      'the connector gone',
      async () => !((await rest(worker.url, 'GET', '/connectors')).body as string[]).includes(name),
    );
  });
});
