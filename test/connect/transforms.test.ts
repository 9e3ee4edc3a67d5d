import { createAdmin, createProducer, type KafkaProducer } from '@msa-sync/kafka';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connection, createRunning, readRecords, users1Ddl } from '../jdbc/source-harness.js';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import { headerText, readTopic } from '../support/topic-reader.js';

/**
 * Single message transforms in a running worker, on MariaDB (the seed's database): where Connect
 * applies them (sources after poll, sinks before put), with predicates, inside the error
 * handling (stage TRANSFORMATION, dead letter queue), and refused with a 400 when misconfigured.
 * That each transformation computes what Apache's does is proven in test/transforms/.
 */
const T = 'org.apache.kafka.connect.transforms';

describe('single message transforms in a worker (real broker, MariaDB)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let db: TestDatabase;
  let client: SqlClient;
  let producer: KafkaProducer;

  beforeAll(async () => {
    db = await createTestDatabase('mariadb', 'smt');
    client = await db.connect();
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('smt')));
    producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'smt-test' });
  });
  afterAll(async () => {
    await producer?.close();
    await worker?.kill();
    await client?.close();
    await db?.drop().catch(() => {});
  });

  it("the JDBC source's key recipe: ValueToKey + ExtractField$Key key each row by its id; InsertHeader tags it", async () => {
    await client.execute(users1Ddl('mariadb'));
    await client.execute(
      "INSERT INTO users1 (user_id, pwd, name) VALUES ('u1', 'p1', 'Ann'), ('u2', 'p2', 'Bo')",
    );
    const prefix = `${uniqueName('smt-src').replaceAll('-', '_')}_`;
    await createRunning(worker.url, uniqueName('smt-source'), {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      ...connection(db),
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': 'users1',
      'topic.prefix': prefix,
      'poll.interval.ms': '200',
      transforms: 'createKey,extractId,origin',
      'transforms.createKey.type': `${T}.ValueToKey`,
      'transforms.createKey.fields': 'id',
      'transforms.extractId.type': `${T}.ExtractField$Key`,
      'transforms.extractId.field': 'id',
      'transforms.origin.type': `${T}.InsertHeader`,
      'transforms.origin.header': 'origin',
      'transforms.origin.value.literal': 'msa-sync',
    });
    const records = await readRecords(bootstrap, `${prefix}users1`, { min: 2 });
    expect(records.map((r) => r.key?.toString())).toEqual([
      '{"schema":{"type":"int32","optional":false},"payload":1}',
      '{"schema":{"type":"int32","optional":false},"payload":2}',
    ]);
    expect(records.map((r) => r.value.payload.name)).toEqual(['Ann', 'Bo']);
    const raw = await readTopic(bootstrap, `${prefix}users1`, 5_000);
    expect(raw.map((r) => headerText(r).origin)).toEqual(['msa-sync', 'msa-sync']);
  });

  it('a sink routes with RegexRouter, masks with MaskField, and drops what a negated predicate says', async () => {
    const suffix = uniqueName('r').replaceAll('-', '_');
    const topic = `incoming_${suffix}`;
    const table = `orders_${suffix}`;
    await createTopic(bootstrap, topic);
    const schema = {
      type: 'struct',
      name: 'order',
      fields: [
        { type: 'int32', optional: false, field: 'order_id' },
        { type: 'string', optional: true, field: 'email' },
        { type: 'int32', optional: true, field: 'qty' },
      ],
    };
    const order = (id: number, qty: number) =>
      Buffer.from(JSON.stringify({ schema, payload: { order_id: id, email: `o${id}@shop.test`, qty } }));
    await producer.send({
      messages: [
        { topic, partition: 0, value: order(1, 2), headers: new Map([['keep', Buffer.from('yes')]]) },
        { topic, partition: 0, value: order(2, 3) },
        { topic, partition: 0, value: order(3, 4), headers: new Map([['keep', Buffer.from('yes')]]) },
      ],
    });
    const name = uniqueName('smt-sink');
    const created = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      ...connection(db),
      topics: topic,
      'auto.create': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'order_id',
      transforms: 'onlyKept,route,mask',
      'transforms.onlyKept.type': `${T}.Filter`,
      'transforms.onlyKept.predicate': 'hasKeep',
      'transforms.onlyKept.negate': 'true',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.route.regex': 'incoming_(.*)',
      'transforms.route.replacement': 'orders_$1',
      'transforms.mask.type': `${T}.MaskField$Value`,
      'transforms.mask.fields': 'email',
      predicates: 'hasKeep',
      'predicates.hasKeep.type': `${T}.predicates.HasHeaderKey`,
      'predicates.hasKeep.name': 'keep',
    });
    expect(created.status).toBe(201);
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const rows = await eventually(
      'orders 1 and 3 in the routed table',
      async () => {
        const found = await client
          .query<{ order_id: unknown; email: unknown; qty: unknown }>(
            `SELECT ${q('order_id')}, ${q('email')}, ${q('qty')} FROM ${q(table)} ORDER BY ${q('order_id')}`,
          )
          .catch(() => []);
        return found.length >= 2 ? found : undefined;
      },
      60_000,
    );
    expect(rows.map((r) => [Number(r.order_id), r.email, Number(r.qty)])).toEqual([
      [1, '', 2],
      [3, '', 4],
    ]);
    // Offsets are those of the topic read, not of the routed name: all three are committed.
    const offsets = await eventually('offsets of the consumed topic', async () => {
      const body = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as {
        offsets: { partition: { kafka_topic: string }; offset: { kafka_offset: number } }[];
      };
      return body.offsets.find((o) => o.offset.kafka_offset === 3) ? body.offsets : undefined;
    });
    expect(offsets.map((o) => o.partition.kafka_topic)).toEqual([topic]);
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });

  it('a record a transformation cannot handle goes to the dead letter queue with stage TRANSFORMATION', async () => {
    const suffix = uniqueName('d').replaceAll('-', '_');
    const topic = `casts_${suffix}`;
    const dlq = `casts-dlq-${suffix}`;
    await createTopic(bootstrap, topic);
    const value = (qty: string) =>
      Buffer.from(
        JSON.stringify({
          schema: {
            type: 'struct',
            fields: [
              { type: 'int32', optional: false, field: 'id' },
              { type: 'string', optional: false, field: 'qty' },
            ],
          },
          payload: { id: Number(qty.length), qty },
        }),
      );
    await producer.send({
      messages: ['7', 'seven', '12'].map((qty) => ({ topic, partition: 0, value: value(qty) })),
    });
    const name = uniqueName('smt-dlq');
    const created = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      ...connection(db),
      topics: topic,
      'auto.create': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      transforms: 'qtyAsInt',
      'transforms.qtyAsInt.type': `${T}.Cast$Value`,
      'transforms.qtyAsInt.spec': 'qty:int32',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    expect(created.status).toBe(201);
    const dead = await eventually(
      'one record in the dead letter queue',
      async () => {
        const records = await readTopic(bootstrap, dlq, 5_000).catch(() => []);
        return records.length >= 1 ? records : undefined;
      },
      60_000,
    );
    expect(dead).toHaveLength(1);
    const headers = headerText(dead[0] as (typeof dead)[number]);
    expect(headers['__connect.errors.stage']).toBe('TRANSFORMATION');
    expect(headers['__connect.errors.class.name']).toBe(`${T}.Cast$Value`);
    expect(headers['__connect.errors.offset']).toBe('1');
    // The value Cast could not read is the record's: the header masks it (the DLQ record keeps it).
    expect(headers['__connect.errors.exception.message']).toBe(
      'Value ([masked]) was out of range for requested data type',
    );
    expect(headers['__connect.errors.exception.stacktrace']).not.toContain('seven');
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const rows = await eventually('the two good rows, qty now an integer column', async () => {
      const found = await client
        .query<{ id: unknown; qty: unknown }>(
          `SELECT ${q('id')}, ${q('qty')} FROM ${q(topic)} ORDER BY ${q('id')}`,
        )
        .catch(() => []);
      return found.length >= 2 ? found : undefined;
    });
    expect(rows.map((r) => [Number(r.id), r.qty])).toEqual([
      [1, 7],
      [2, 12],
    ]);
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });

  it('a task a transformation fails reports a trace that does not quote the record', async () => {
    const suffix = uniqueName('f').replaceAll('-', '_');
    const topic = `secret_casts_${suffix}`;
    await createTopic(bootstrap, topic);
    await producer.send({
      messages: [
        {
          topic,
          partition: 0,
          value: Buffer.from('{"schema":{"type":"string","optional":false},"payload":"pin 4711"}'),
        },
      ],
    });
    const name = uniqueName('smt-fail');
    const created = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      ...connection(db),
      topics: topic,
      'auto.create': 'true',
      transforms: 'asInt',
      'transforms.asInt.type': `${T}.Cast$Value`,
      'transforms.asInt.spec': 'int32',
    });
    expect(created.status).toBe(201);
    const task = await eventually(
      'the task FAILED',
      async () => {
        const status = await rest(worker.url, 'GET', `/connectors/${name}/status`);
        const first = (status.body as { tasks?: Array<{ state: string; trace?: string }> }).tasks?.[0];
        return first?.state === 'FAILED' ? first : undefined;
      },
      60_000,
    );
    expect(task.trace).toContain('Tolerance exceeded in error handler');
    expect(task.trace).toContain('For input string: "[masked]"');
    expect(task.trace).not.toContain('4711');
    await rest(worker.url, 'DELETE', `/connectors/${name}`);
  });

  it.each([
    [
      'an unknown transformation class',
      { 'transforms.x.type': 'com.example.Nope' },
      'Invalid value com.example.Nope for configuration transforms.x.type: Class com.example.Nope could not be found.',
    ],
    [
      'a key the transformation does not have (a typo that would leave data unmasked)',
      { 'transforms.x.type': `${T}.MaskField$Value`, 'transforms.x.field': 'email' },
      "MaskField$Value has no configuration 'field'",
    ],
    [
      'a required key missing',
      { 'transforms.x.type': `${T}.RegexRouter`, 'transforms.x.replacement': 'y' },
      'Missing required configuration "transforms.x.regex" which has no default value.',
    ],
    [
      'negate without a predicate',
      { 'transforms.x.type': `${T}.Filter`, 'transforms.x.negate': 'true' },
      "Config 'transforms.x.negate' was provided but there is no config 'transforms.x.predicate' defining a predicate to be negated.",
    ],
  ])('%s is refused with a 400 naming the key', async (_what, keys, message) => {
    const name = uniqueName('smt-bad');
    const response = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'FileStreamSink',
      file: '/tmp/smt-never-written.txt',
      topics: 'smt-never-read',
      transforms: 'x',
      ...keys,
    });
    expect(response.status).toBe(400);
    expect((response.body as { message: string }).message).toContain(message);
    expect((await rest(worker.url, 'GET', `/connectors/${name}`)).status).toBe(404);
  });
});

async function createTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'smt-admin' });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
}
