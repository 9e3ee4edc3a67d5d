// Would another @platformatic/kafka release let our workarounds go? Runs the three regression
// scenarios our fixes exist for, on the RAW client (no patches/, no SequencedProducer), against
// a real broker. docs/decisions/kafka-client.md ("@platformatic/kafka 2.x on Node >= 22") has
// the results for 1.35.0 and 2.12.1. Run it in a scratch folder outside the repo, so the repo's
// patched copy is not the one tested:
//
//   mkdir /tmp/pk && cd /tmp/pk && npm init -y && npm install @platformatic/kafka@<version>
//   PK=/tmp/pk/node_modules/@platformatic/kafka/dist/index.js \
//     KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 node <repo>/bench/kafka-client/upgrade-checks.mjs [a] [b] [c]
//
//   a  500 concurrent idempotent sends to one partition: all land, in call order
//      (1.35 gives them one sequence number; the broker keeps 1): SequencedProducer
//   b  read_committed over interleaved aborted transactions of three producers, from every start
//      offset and one batch per fetch: only committed records (test/kafka/read-committed-filter)
//   c  a pooled connection emitting 'error' twice does not throw (test/kafka/connection-errors)
//
// PID_MINUS1=1 builds transactional producers with producerId -1n / epoch -1, as 1.35 needs
// (packages/kafka/src/clients.ts); 2.x refuses that (initProducerId fails) and needs neither.
// Plain Node, no dependencies besides the client under test.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

if (!process.env.PK) {
  console.error('PK=<path to the client package dist/index.js> is required (see the top of this file)');
  process.exit(2);
}

const pk = await import(pathToFileURL(process.env.PK).href);
const { Admin, Producer, Consumer, ConnectionPool, FetchIsolationLevels } = pk;
const BOOT = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
const base = {
  bootstrapBrokers: [BOOT],
  timeout: 30_000,
  connectTimeout: 5_000,
  retries: 3,
  retryDelay: 250,
};
const id = (p) => `pk-check-${p}-${randomBytes(4).toString('hex')}`;
const ser = {
  key: (k) => k,
  value: (v) => v,
  headerKey: (k) => (k === undefined ? undefined : Buffer.from(k)),
  headerValue: (v) => v,
};
const deser = {
  key: (k) => k,
  value: (v) => v,
  headerKey: (k) => (k === undefined ? '' : k.toString()),
  headerValue: (v) => v ?? Buffer.alloc(0),
};
const { version } = JSON.parse(
  readFileSync(new URL('../package.json', pathToFileURL(process.env.PK)), 'utf8'),
);
const log = (...a) => console.log(`[${version} node ${process.version}]`, ...a);

async function createTopic(topic, partitions = 1) {
  const admin = new Admin({ ...base, clientId: 'pk-check-admin' });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

async function readAll(topic, isolationLevel, { startOffset, maxBytes } = {}) {
  const consumer = new Consumer({
    ...base,
    clientId: 'pk-check-reader',
    groupId: id('reader'),
    deserializers: deser,
    isolationLevel,
    ...(maxBytes ? { maxBytes } : {}),
  });
  try {
    const ends = (
      await consumer.listOffsets({ topics: [topic], isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED })
    ).get(topic);
    const records = [];
    if (ends.every((e) => e === 0n)) return records;
    const stream = await consumer.consume(
      startOffset === undefined
        ? { topics: [topic], mode: 'earliest', autocommit: false }
        : {
            topics: [topic],
            mode: 'manual',
            offsets: ends.map((_, partition) => ({ topic, partition, offset: startOffset })),
            autocommit: false,
          },
    );
    const reached = () => ends.every((end, p) => (stream.offsetsToFetch.get(`${topic}:${p}`) ?? 0n) >= end);
    try {
      await new Promise((resolve, reject) => {
        const deadline = Date.now() + 20_000;
        const t = setInterval(() => {
          if (reached()) {
            clearInterval(t);
            setTimeout(resolve, 100);
          } else if (Date.now() > deadline) {
            clearInterval(t);
            reject(new Error(`read ${records.length} records, not to the end`));
          }
        }, 50);
        stream.on('data', (r) => records.push(r));
        stream.on('error', (e) => {
          clearInterval(t);
          reject(e);
        });
      });
    } finally {
      await stream.close().catch(() => {});
    }
    return records;
  } finally {
    await new Promise((r) => consumer.close(true, () => r()));
  }
}

async function checkA(n = 500) {
  const topic = id('seq');
  await createTopic(topic);
  const producer = new Producer({
    ...base,
    clientId: 'pk-check-seq',
    idempotent: true,
    acks: -1,
    serializers: ser,
  });
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      producer.send({
        messages: [{ topic, partition: 0, key: Buffer.from(`k${i % 7}`), value: Buffer.from(String(i)) }],
      }),
    ),
  );
  const ms = performance.now() - started;
  await producer.close();
  const rejected = results.filter((r) => r.status === 'rejected');
  const offsets = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.offsets?.[0]?.offset);
  const distinctOffsets = new Set(offsets.map(String)).size;
  const values = (await readAll(topic, FetchIsolationLevels.READ_UNCOMMITTED)).map((r) =>
    Number(r.value.toString()),
  );
  const inOrder = values.length === n && values.every((v, i) => v === i);
  log(
    `a: ${n} concurrent idempotent sends: ${n - rejected.length} resolved, ${rejected.length} rejected${rejected.length ? ` (${rejected[0].reason?.message}${rejected[0].reason?.errors ? `: ${rejected[0].reason.errors.map((e) => e.message).join('; ')}` : ''})` : ''}, ${distinctOffsets} distinct offsets, ${values.length} records in the topic, in order: ${inOrder} (${ms.toFixed(0)} ms)`,
  );
  return inOrder && rejected.length === 0;
}

const LOG = 'a1x b1x a2x [a-abort] c1c [c-commit] b2x [b-abort] a3c [a-commit] b3x [b-abort] a4x [a-abort]';
async function checkB() {
  const topic = id('rc');
  await createTopic(topic);
  const producers = Object.fromEntries(
    ['a', 'b', 'c'].map((p) => [
      p,
      new Producer({
        ...base,
        clientId: `pk-check-rc-${p}`,
        idempotent: true,
        acks: -1,
        serializers: ser,
        transactionalId: id(`rc-${p}`),
        ...(process.env.PID_MINUS1 ? { producerId: -1n, producerEpoch: -1 } : {}),
      }),
    ]),
  );
  const open = new Map();
  try {
    for (const step of LOG.split(' ')) {
      const m = /^\[(\w)-(abort|commit)\]$/.exec(step);
      if (m) {
        await open.get(m[1])[m[2]]();
        open.delete(m[1]);
        continue;
      }
      const p = step[0];
      if (!open.has(p)) open.set(p, await producers[p].beginTransaction());
      await open.get(p).send({ messages: [{ topic, partition: 0, value: Buffer.from(step.slice(0, -1)) }] });
    }
  } finally {
    for (const p of Object.values(producers)) await p.close();
  }
  const everything = await readAll(topic, FetchIsolationLevels.READ_UNCOMMITTED);
  const committed = everything
    .filter((r) => ['c1', 'a3'].includes(r.value.toString()))
    .map((r) => ({ v: r.value.toString(), o: r.offset }));
  let ok = everything.length === 8 && committed.length === 2;
  const wrong = [];
  for (let start = 0n; start < 14n; start++) {
    let seen;
    try {
      seen = (await readAll(topic, FetchIsolationLevels.READ_COMMITTED, { startOffset: start })).map((r) =>
        r.value.toString(),
      );
    } catch (e) {
      seen = [`ERROR ${e.message}`];
    }
    const want = committed.filter((c) => c.o >= start).map((c) => c.v);
    if (JSON.stringify(seen) !== JSON.stringify(want)) {
      ok = false;
      wrong.push(`from ${start}: got [${seen}] want [${want}]`);
    }
  }
  let single;
  try {
    single = (await readAll(topic, FetchIsolationLevels.READ_COMMITTED, { maxBytes: 1 })).map((r) =>
      r.value.toString(),
    );
  } catch (e) {
    single = [`ERROR ${e.message}`];
  }
  if (JSON.stringify(single) !== '["c1","a3"]') {
    ok = false;
    wrong.push(`one batch per fetch: got [${single}]`);
  }
  log(
    `b: read_committed over interleaved aborted transactions: ${ok ? 'exactly the committed records from all 14 start offsets and with 1-batch fetches' : `WRONG in ${wrong.length} of 15 reads:\n    ${wrong.join('\n    ')}`}`,
  );
  return ok;
}

async function checkC() {
  const [host, port] = BOOT.split(':');
  const pool = new ConnectionPool('pk-check-pool');
  let ok = true;
  try {
    const broker = { host, port: Number(port) };
    const connection = await pool.get(broker);
    const outcomes = [];
    for (let i = 0; i < 2; i++) {
      try {
        connection.emit('error', new Error('read ECONNRESET'));
        outcomes.push('no throw');
      } catch (e) {
        ok = false;
        outcomes.push(`THROWS (${e.message}): an unhandled 'error' event, which ends a process`);
      }
    }
    const next = await pool.get(broker);
    const replaced = next !== connection;
    ok &&= replaced;
    log(
      `c: a pooled connection emitting 'error' twice: first ${outcomes[0]}, second ${outcomes[1]}; pool hands out a new connection: ${replaced}`,
    );
  } finally {
    await pool.close();
  }
  return ok;
}

const which = process.argv.slice(2).length ? process.argv.slice(2) : ['a', 'b', 'c'];
const checks = { a: checkA, b: checkB, c: checkC };
let failed = 0;
for (const w of which) {
  try {
    if (!(await checks[w]())) failed++;
  } catch (e) {
    failed++;
    log(`${w}: ERROR ${e.stack} ${JSON.stringify(e.errors?.map((x) => x.message))}`);
  }
}
log(failed ? `${failed} check(s) FAILED` : 'all checks passed');
process.exit(failed ? 1 : 0);
