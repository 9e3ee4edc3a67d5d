/**
 * Behavioural checks of the Kafka clients against the real broker.
 *
 *   npx tsx bench/kafka-client/checks.ts [--clients kafkajs,platformatic] [--only a1,b,...]
 *
 *   a1  idempotent producer (acks=all), sequential sends: read back exactly once
 *   a2  idempotent producer with 4 send() calls in flight: read back exactly once
 *   b   consumer-group rebalance: 2 consumers on 4 partitions, one closes mid-stream, the other
 *       takes over its partitions; nothing lost and committed offsets reach the log end
 *   c   transactions: commit, abort, commit; a read_committed consumer sees only the commits
 *   d1  custom group protocol through the client's consumer API: members send user data, the
 *       leader computes a Connect-style assignment (connectors/tasks), each member reads its own
 *   d2  the same with a raw group member (protocol type "connect", opaque bytes both ways)
 *
 * Prints PASS/FAIL per check and client, then a table. Exit code 0 whatever the results: this is
 * a measurement, and some FAILs are expected findings (see docs/decisions/kafka-client.md).
 */
import { parseArgs } from 'node:util';
import {
  Admin,
  Connection,
  describeGroupsV5,
  type ExtendedGroupProtocolSubscription,
  FetchIsolationLevels,
  findCoordinatorV6,
  type GenericError,
  type GroupAssignment,
  type GroupPartitionsAssignments,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  Consumer as PltConsumer,
  Producer as PltProducer,
  ProduceAcks,
  syncGroupV5,
} from '@platformatic/kafka';
import {
  type Assigner,
  AssignerProtocol,
  Kafka,
  type Consumer as KjsConsumer,
  logLevel,
  Partitioners,
} from 'kafkajs';

const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const CHECK_TIMEOUT_MS = 120_000;

type ClientName = 'kafkajs' | 'platformatic';
type CheckId = 'a1' | 'a2' | 'b' | 'c' | 'd1' | 'd2';

interface Outcome {
  pass: boolean;
  detail: string;
}

type Check = () => Promise<Outcome>;

// ---------------------------------------------------------------------------------------------
// Small helpers shared by both clients.

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${Date.now()}-${process.pid}-${counter++}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: exceeded ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Counts each value seen, to tell loss from duplicates. */
class Tally {
  readonly counts = new Map<string, number>();
  total = 0;
  lastAt = Date.now();
  add(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.total++;
    this.lastAt = Date.now();
  }
  get unique(): number {
    return this.counts.size;
  }
  get duplicates(): number {
    return this.total - this.counts.size;
  }
  missingOf(expected: string[]): string[] {
    return expected.filter((v) => !this.counts.has(v));
  }
}

const range = (from: number, count: number, prefix = ''): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);

/** Waits until `expected` values arrived, then a grace period in which extras would show up. */
async function settle(tally: Tally, expected: number, graceMs = 1500): Promise<void> {
  await waitFor(() => tally.total >= expected || Date.now() - tally.lastAt > 10_000, `${expected} records`);
  await sleep(graceMs);
}

function exactly(tally: Tally, expected: string[], logCount: number): Outcome {
  const missing = tally.missingOf(expected);
  const pass = missing.length === 0 && tally.duplicates === 0 && logCount === expected.length;
  return {
    pass,
    detail:
      `${expected.length} sent, log holds ${logCount}, read ${tally.total} ` +
      `(${tally.unique} distinct, ${missing.length} missing, ${tally.duplicates} duplicates)`,
  };
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// kafkajs

function kafkajsChecks(): Record<CheckId, Check> & { close(): Promise<void> } {
  const kafka = new Kafka({ clientId: 'checks-kafkajs', brokers: BOOTSTRAP, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topics: string[] = [];
  const createPartitioner = Partitioners.DefaultPartitioner;

  async function createTopic(partitions: number): Promise<string> {
    const topic = unique('checks-kjs');
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
    topics.push(topic);
    return topic;
  }

  async function logEnd(topic: string): Promise<Map<number, number>> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** Reads a topic from earliest with a fresh group until `expected` records plus a grace period. */
  async function readAll(topic: string, expected: number, readUncommitted = false): Promise<Tally> {
    const tally = new Tally();
    const consumer = kafka.consumer({
      groupId: unique('checks-kjs-read'),
      readUncommitted,
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => tally.add(String(message.value)) });
    try {
      await settle(tally, expected);
    } finally {
      await consumer.disconnect();
    }
    return tally;
  }

  async function idempotent(concurrent: boolean): Promise<Outcome> {
    const topic = await createTopic(3);
    const producer = kafka.producer({ idempotent: true, createPartitioner });
    await producer.connect();
    const batches = Array.from({ length: 8 }, (_, k) => range(k * 1000, 1000));
    const send = (values: string[]) =>
      producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
    if (concurrent) {
      // Four sends in flight at a time, as a throughput-minded caller would do.
      for (let k = 0; k < batches.length; k += 4) await Promise.all(batches.slice(k, k + 4).map(send));
    } else {
      for (const batch of batches) await send(batch);
    }
    await producer.disconnect();
    const expected = batches.flat();
    const tally = await readAll(topic, expected.length);
    return exactly(tally, expected, sum((await logEnd(topic)).values()));
  }

  async function rebalance(): Promise<Outcome> {
    const topic = await createTopic(4);
    const groupId = unique('checks-kjs-group');
    const assigned: Record<string, number[]> = { A: [], B: [] };
    const perMember: Record<string, number> = { A: 0, B: 0 };
    const tally = new Tally();
    const start = async (name: string): Promise<KjsConsumer> => {
      const consumer = kafka.consumer({ groupId, heartbeatInterval: 500, sessionTimeout: 10_000 });
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        assigned[name] = e.payload.memberAssignment[topic] ?? [];
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          perMember[name] = (perMember[name] ?? 0) + 1;
          tally.add(String(message.value));
        },
      });
      return consumer;
    };
    const a = await start('A');
    const b = await start('B');
    await waitFor(
      () => assigned.A?.length === 2 && assigned.B?.length === 2,
      'A and B to own 2 partitions each',
    );
    const split = `A=${assigned.A} B=${assigned.B}`;

    const producer = kafka.producer({ idempotent: true, createPartitioner });
    await producer.connect();
    const expected = range(0, 10_000);
    const producing = (async () => {
      for (let k = 0; k < 40; k++) {
        const values = expected.slice(k * 250, (k + 1) * 250);
        await producer.send({
          topic,
          acks: -1,
          messages: values.map((value, i) => ({ value, partition: i % 4 })),
        });
        await sleep(50);
      }
    })();
    // B leaves while records are still being produced and consumed.
    await waitFor(() => (perMember.B ?? 0) > 500 && tally.total > 2000, 'both consumers to make progress');
    await b.disconnect();
    const leftAfter = perMember.B;
    await waitFor(() => assigned.A?.length === 4, 'A to take over all 4 partitions');
    await producing;
    await producer.disconnect();
    await waitFor(() => tally.missingOf(expected).length === 0, 'every record to be consumed');
    await sleep(1000);
    await a.disconnect();

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const end = await logEnd(topic);
    const lagging = (committed[0]?.partitions ?? []).filter((p) => Number(p.offset) !== end.get(p.partition));
    const missing = tally.missingOf(expected).length;
    return {
      pass: missing === 0 && lagging.length === 0 && assigned.A?.length === 4,
      detail:
        `initial ${split}; B left after ${leftAfter} records; A then owned ${assigned.A}; ` +
        `${missing} missing, ${tally.duplicates} redelivered; committed==end on ` +
        `${4 - lagging.length}/4 partitions`,
    };
  }

  async function transactions(): Promise<Outcome> {
    const topic = await createTopic(1);
    const producer = kafka.producer({
      transactionalId: unique('checks-kjs-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner,
    });
    await producer.connect();
    const [committed1, aborted, committed2] = [
      range(0, 100, 'c1-'),
      range(0, 100, 'ab-'),
      range(0, 100, 'c2-'),
    ];
    for (const [values, commit] of [
      [committed1, true],
      [aborted, false],
      [committed2, true],
    ] as const) {
      const tx = await producer.transaction();
      await tx.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
      await (commit ? tx.commit() : tx.abort());
    }
    await producer.disconnect();
    const expected = [...committed1, ...committed2];
    const readCommitted = await readAll(topic, expected.length);
    const readUncommitted = await readAll(topic, 300, true);
    const sawAborted = aborted.filter((v) => readCommitted.counts.has(v)).length;
    const missing = readCommitted.missingOf(expected).length;
    return {
      pass: sawAborted === 0 && missing === 0 && readCommitted.duplicates === 0,
      detail:
        `read_committed read ${readCommitted.total} (aborted seen: ${sawAborted}, missing ${missing}); ` +
        `read_uncommitted read ${readUncommitted.total} (the aborted batch is in the log)`,
    };
  }

  /**
   * kafkajs: a custom Assigner sends arbitrary member metadata and the leader's assign() returns
   * arbitrary bytes per member, but the member side decodes them as a MemberAssignment and keeps
   * only topic->partitions (userData is dropped). A member can still read its raw assignment back
   * with admin.describeGroups(), which is what this example does.
   */
  async function customProtocol(): Promise<Outcome> {
    const groupId = unique('checks-kjs-connect');
    const leaderSaw: string[] = [];
    const connectLike = (workerId: string): Assigner => ({
      name: 'connect-like',
      version: 1,
      protocol: ({ topics }) => ({
        name: 'connect-like',
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(JSON.stringify({ workerId, url: `http://${workerId}:8083` })),
        }),
      }),
      assign: async ({ members }) => {
        const workers = members.map((m) => {
          const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          return { memberId: m.memberId, ...(JSON.parse(String(meta?.userData)) as { workerId: string }) };
        });
        leaderSaw.push(...workers.map((w) => w.workerId));
        return assignWork(workers).map(({ memberId, work }) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: {},
            userData: Buffer.from(JSON.stringify(work)),
          }),
        }));
      },
    });
    const memberIds: Record<string, string> = {};
    const members = await Promise.all(
      ['worker-a', 'worker-b'].map(async (workerId) => {
        const consumer = kafka.consumer({
          groupId,
          heartbeatInterval: 500,
          partitionAssigners: [() => connectLike(workerId)],
        });
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          memberIds[workerId] = e.payload.memberId;
        });
        await consumer.connect();
        // No subscription: run() still joins the group, and the member never fetches.
        await consumer.run({ eachMessage: async () => undefined });
        return consumer;
      }),
    );
    await waitFor(() => new Set(leaderSaw).size === 2, 'a generation with both workers');
    await sleep(1500);
    // Each worker looks up its own raw assignment by its member id.
    await admin.connect();
    const groups = await admin.describeGroups([groupId]);
    const raw = new Map((groups.groups[0]?.members ?? []).map((m) => [m.memberId, m.memberAssignment]));
    const got = Object.entries(memberIds).map(([workerId, memberId]) => {
      const assignment = raw.get(memberId);
      const work = assignment ? AssignerProtocol.MemberAssignment.decode(assignment)?.userData : undefined;
      return `${workerId} got ${String(work)}`;
    });
    await Promise.all(members.map((m) => m.disconnect()));
    return {
      pass: got.length === 2 && got.every((g) => g.includes('connectors')),
      detail:
        `leader saw user data of ${[...new Set(leaderSaw)].join(', ')}; ${got.join('; ')} ` +
        '(read back with admin.describeGroups: the consumer drops assignment userData); ' +
        'protocol type is fixed to "consumer"',
    };
  }

  return {
    a1: () => idempotent(false),
    a2: () => idempotent(true),
    b: rebalance,
    c: transactions,
    d1: customProtocol,
    d2: async () => ({
      pass: false,
      detail:
        'no public low-level group API: JoinGroup/SyncGroup with another protocol type (e.g. "connect") ' +
        'are only reachable through kafkajs/src/broker internals (untyped, unsupported)',
    }),
    async close() {
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// @platformatic/kafka

function platformaticChecks(): Record<CheckId, Check> & { close(): Promise<void> } {
  const base = { bootstrapBrokers: BOOTSTRAP };
  const admin = new Admin({ ...base, clientId: 'checks-plt-admin' });
  const topics: string[] = [];

  async function createTopic(partitions: number): Promise<string> {
    const topic = unique('checks-plt');
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    topics.push(topic);
    return topic;
  }

  async function logEnd(topic: string): Promise<Map<number, number>> {
    const consumer = new PltConsumer({ ...base, clientId: 'checks-plt-offsets', groupId: unique('unused') });
    try {
      const offsets = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
      return new Map(offsets.map((o, partition) => [partition, Number(o)]));
    } finally {
      await consumer.close();
    }
  }

  async function readAll(topic: string, expected: number, readCommitted = true): Promise<Tally> {
    const tally = new Tally();
    const consumer = new PltConsumer({
      ...base,
      clientId: 'checks-plt-read',
      groupId: unique('checks-plt-read'),
    });
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'earliest',
        maxWaitTime: 200,
        isolationLevel: readCommitted
          ? FetchIsolationLevels.READ_COMMITTED
          : FetchIsolationLevels.READ_UNCOMMITTED,
      });
      stream.on('data', (m) => tally.add(String(m.value)));
      await settle(tally, expected);
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    return tally;
  }

  async function idempotent(concurrent: boolean): Promise<Outcome> {
    const topic = await createTopic(3);
    const producer = new PltProducer({
      ...base,
      clientId: 'checks-plt-idem',
      idempotent: true,
      acks: ProduceAcks.ALL,
    });
    const batches = Array.from({ length: 8 }, (_, k) => range(k * 1000, 1000));
    const send = (values: string[]) =>
      producer.send({ messages: values.map((value) => ({ topic, value: Buffer.from(value) })) });
    if (concurrent) {
      for (let k = 0; k < batches.length; k += 4) await Promise.all(batches.slice(k, k + 4).map(send));
    } else {
      for (const batch of batches) await send(batch);
    }
    const producerId = producer.producerId;
    await producer.close();
    const expected = batches.flat();
    const tally = await readAll(topic, expected.length);
    const outcome = exactly(tally, expected, sum((await logEnd(topic)).values()));
    return { ...outcome, detail: `producerId ${producerId}; ${outcome.detail}` };
  }

  async function rebalance(): Promise<Outcome> {
    const topic = await createTopic(4);
    const groupId = unique('checks-plt-group');
    const assigned: Record<string, number[]> = { A: [], B: [] };
    const perMember: Record<string, number> = { A: 0, B: 0 };
    const tally = new Tally();
    const start = async (name: string) => {
      const consumer = new PltConsumer({
        ...base,
        clientId: `checks-plt-${name}`,
        groupId,
        heartbeatInterval: 500,
        sessionTimeout: 10_000,
        rebalanceTimeout: 15_000,
      });
      consumer.on('consumer:group:join', (p) => {
        assigned[name] = p.assignments?.find((t) => t.topic === topic)?.partitions ?? [];
      });
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: true,
        maxWaitTime: 200,
      });
      stream.on('data', (m) => {
        perMember[name] = (perMember[name] ?? 0) + 1;
        tally.add(String(m.value));
      });
      return { consumer, stream };
    };
    const a = await start('A');
    const b = await start('B');
    await waitFor(
      () => assigned.A?.length === 2 && assigned.B?.length === 2,
      'A and B to own 2 partitions each',
    );
    const split = `A=${assigned.A} B=${assigned.B}`;

    const producer = new PltProducer({ ...base, clientId: 'checks-plt-rb', idempotent: true });
    const expected = range(0, 10_000);
    const producing = (async () => {
      for (let k = 0; k < 40; k++) {
        const values = expected.slice(k * 250, (k + 1) * 250);
        await producer.send({
          messages: values.map((value, i) => ({ topic, partition: i % 4, value: Buffer.from(value) })),
        });
        await sleep(50);
      }
    })();
    await waitFor(() => (perMember.B ?? 0) > 500 && tally.total > 2000, 'both consumers to make progress');
    await b.stream.close();
    await b.consumer.close(true);
    const leftAfter = perMember.B;
    await waitFor(() => assigned.A?.length === 4, 'A to take over all 4 partitions');
    await producing;
    await producer.close();
    await waitFor(() => tally.missingOf(expected).length === 0, 'every record to be consumed');
    // autocommit commits after each fetch; give the last one time to land before checking.
    await sleep(1500);
    await a.stream.close();
    await a.consumer.close(true);

    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    const end = await logEnd(topic);
    const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
    const lagging = partitions.filter((p) => Number(p.committedOffset) !== end.get(p.partitionIndex));
    const missing = tally.missingOf(expected).length;
    return {
      pass: missing === 0 && partitions.length === 4 && lagging.length === 0 && assigned.A?.length === 4,
      detail:
        `initial ${split}; B left after ${leftAfter} records; A then owned ${assigned.A}; ` +
        `${missing} missing, ${tally.duplicates} redelivered; committed==end on ` +
        `${partitions.length - lagging.length}/4 partitions`,
    };
  }

  async function transactions(): Promise<Outcome> {
    const topic = await createTopic(1);
    const producer = new PltProducer({
      ...base,
      clientId: 'checks-plt-tx',
      idempotent: true,
      transactionalId: unique('checks-plt-tx'),
    });
    const [committed1, aborted, committed2] = [
      range(0, 100, 'c1-'),
      range(0, 100, 'ab-'),
      range(0, 100, 'c2-'),
    ];
    for (const [values, commit] of [
      [committed1, true],
      [aborted, false],
      [committed2, true],
    ] as const) {
      const tx = await producer.beginTransaction();
      await tx.send({ messages: values.map((value) => ({ topic, value: Buffer.from(value) })) });
      await (commit ? tx.commit() : tx.abort());
    }
    await producer.close();
    const expected = [...committed1, ...committed2];
    const readCommitted = await readAll(topic, expected.length, true);
    const readUncommitted = await readAll(topic, 300, false);
    const sawAborted = aborted.filter((v) => readCommitted.counts.has(v)).length;
    const missing = readCommitted.missingOf(expected).length;
    return {
      pass: sawAborted === 0 && missing === 0 && readCommitted.duplicates === 0,
      detail:
        `read_committed read ${readCommitted.total} (aborted seen: ${sawAborted}, missing ${missing}); ` +
        `read_uncommitted read ${readUncommitted.total} (the aborted batch is in the log)`,
    };
  }

  /** Connectors and tasks as topic -> partitions entries, the only shape the assignment can carry. */
  const asPseudoTopics = (work: Work): Map<string, GroupAssignment> => {
    const entries: GroupAssignment[] = [
      ...work.connectors.map((c) => ({ topic: `connector:${c}`, partitions: [] })),
      ...Object.entries(work.tasks).map(([c, ids]) => ({ topic: `tasks:${c}`, partitions: ids })),
    ];
    return new Map(entries.map((e) => [e.topic, e]));
  };

  /**
   * Consumer API: `protocols[].metadata` is sent as the subscription's userData and reaches the
   * leader's `partitionAssigner` (members' `metadata`). The assignment can only carry
   * topic -> partitions (userData is always written empty), so connectors and tasks travel as
   * pseudo-topics: "connector:<name>" and "tasks:<name>" with task ids as partitions. Members join
   * with joinGroup() and never consume, so the pseudo-topics are never fetched.
   */
  async function customProtocol(): Promise<Outcome> {
    const groupId = unique('checks-plt-connect');
    const leaderSaw: string[] = [];
    const assigner = (
      _leader: string,
      members: Map<string, ExtendedGroupProtocolSubscription>,
    ): GroupPartitionsAssignments[] => {
      const workers = [...members.values()].map((m) => ({
        memberId: m.memberId,
        ...(JSON.parse(String(m.metadata)) as { workerId: string }),
      }));
      leaderSaw.push(...workers.map((w) => w.workerId));
      return assignWork(workers).map(({ memberId, work }) => ({
        memberId,
        assignments: asPseudoTopics(work),
      }));
    };
    const got: Record<string, string> = {};
    const members = ['worker-a', 'worker-b'].map((workerId) => {
      const consumer = new PltConsumer({
        ...base,
        clientId: `checks-plt-${workerId}`,
        groupId,
        heartbeatInterval: 500,
        protocols: [
          {
            name: 'connect-like',
            version: 1,
            metadata: JSON.stringify({ workerId, url: `http://${workerId}:8083` }),
          },
        ],
        partitionAssigner: assigner,
      });
      consumer.on('consumer:group:join', (p) => {
        got[workerId] = (p.assignments ?? []).map((a) => `${a.topic}[${a.partitions}]`).join(' ');
      });
      return consumer;
    });
    // The first member is alone at first: the client then skips the assigner altogether and
    // hands itself every partition of its (here: no) topics, so only the second generation counts.
    for (const m of members) await m.joinGroup();
    await waitFor(
      () => new Set(leaderSaw).size === 2 && Object.values(got).filter((g) => g.includes(':')).length === 2,
      'both workers to receive their assignment',
      30_000,
    );
    await Promise.all(members.map((m) => m.close(true)));
    return {
      pass: true,
      detail:
        `leader saw user data of ${[...new Set(leaderSaw)].join(', ')}; worker-a got "${got['worker-a']}", ` +
        `worker-b got "${got['worker-b']}" (pseudo-topics; protocol type fixed to "consumer")`,
    };
  }

  return {
    a1: () => idempotent(false),
    a2: () => idempotent(true),
    b: rebalance,
    c: transactions,
    d1: customProtocol,
    d2: () => rawGroupMembers(),
    async close() {
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A raw Connect-style group member built on @platformatic/kafka's exported protocol APIs.

interface Work {
  connectors: string[];
  tasks: Record<string, number[]>;
}

/**
 * The leader's decision, shared by every example: a stand-in for Connect's assignor. Workers are
 * ordered by their *user data* (workerId), not member id, so a correct result proves the leader
 * read every member's metadata.
 */
function assignWork<W extends { memberId: string; workerId: string }>(
  workers: W[],
): Array<{ memberId: string; work: Work }> {
  const sorted = [...workers].sort((a, b) => a.workerId.localeCompare(b.workerId));
  const connectors = ['jdbc-source', 'jdbc-sink'];
  const work = sorted.map((w) => ({ memberId: w.memberId, work: { connectors: [], tasks: {} } as Work }));
  for (const [i, c] of connectors.entries()) work[i % work.length]?.work.connectors.push(c);
  let slot = 0;
  for (const c of connectors) {
    for (let task = 0; task < 2; task++) {
      const target = work[slot++ % work.length]?.work;
      if (target) target.tasks[c] = [...(target.tasks[c] ?? []), task];
    }
  }
  return work;
}

const isProtocolError = (error: unknown, property: string): Record<string, unknown> | null =>
  ((error as GenericError).findBy?.(property, true) as unknown as Record<string, unknown>) ?? null;

/**
 * One member of a group with protocol type "connect": opaque metadata in, opaque assignment out.
 * It heartbeats and rejoins on REBALANCE_IN_PROGRESS like a real worker would.
 */
class RawMember {
  memberId = '';
  generationId = -1;
  assignment: Work | null = null;
  leaderSaw: string[] = [];
  #active = true;
  #loop: Promise<void> | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly groupId: string,
    readonly workerId: string,
  ) {}

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#active = false;
    await this.#loop;
    await leaveGroupV5.api
      .async(this.connection, this.groupId, [{ memberId: this.memberId }])
      .catch(() => undefined);
  }

  async #run(): Promise<void> {
    while (this.#active) {
      await this.#joinAndSync();
      await this.#heartbeatUntilRebalance();
    }
  }

  async #joinAndSync(): Promise<void> {
    const metadata = Buffer.from(
      JSON.stringify({ workerId: this.workerId, url: `http://${this.workerId}:8083` }),
    );
    for (;;) {
      try {
        const joined = await joinGroupV9.api.async(
          this.connection,
          this.groupId,
          10_000,
          10_000,
          this.memberId,
          null,
          'connect',
          [{ name: 'sessioned', metadata }],
          null,
        );
        this.memberId = joined.memberId ?? this.memberId;
        this.generationId = joined.generationId;
        const assignments = joined.leader === this.memberId ? this.#lead(joined.members) : [];
        const synced = await syncGroupV5.api.async(
          this.connection,
          this.groupId,
          this.generationId,
          this.memberId,
          null,
          'connect',
          'sessioned',
          assignments,
        );
        this.assignment = JSON.parse(synced.assignment.toString()) as Work;
        return;
      } catch (error) {
        // MEMBER_ID_REQUIRED hands us our member id; a rebalance means join again.
        const rejoin = isProtocolError(error, 'needsRejoin');
        if (!rejoin) throw error;
        if (typeof rejoin.memberId === 'string' && !this.memberId) this.memberId = rejoin.memberId;
      }
    }
  }

  #lead(members: Array<{ memberId: string; metadata: Buffer | null }>) {
    const workers = members.map((m) => ({
      memberId: m.memberId,
      ...(JSON.parse(String(m.metadata)) as { workerId: string }),
    }));
    this.leaderSaw = workers.map((w) => w.workerId);
    return assignWork(workers).map(({ memberId, work }) => ({
      memberId,
      assignment: Buffer.from(JSON.stringify(work)),
    }));
  }

  async #heartbeatUntilRebalance(): Promise<void> {
    while (this.#active) {
      await sleep(300);
      try {
        await heartbeatV4.api.async(this.connection, this.groupId, this.generationId, this.memberId, null);
      } catch (error) {
        if (isProtocolError(error, 'needsRejoin')) return;
        throw error;
      }
    }
  }
}

async function rawGroupMembers(): Promise<Outcome> {
  const groupId = unique('checks-raw-connect');
  const [host, port] = (BOOTSTRAP[0] ?? '127.0.0.1:9092').split(':');
  const bootstrap = new Connection('checks-raw');
  await bootstrap.connect(host ?? '127.0.0.1', Number(port ?? 9092));
  const found = await findCoordinatorV6.api.async(bootstrap, 0, [groupId]);
  const coordinator = found.coordinators[0];
  await bootstrap.close();
  if (!coordinator) throw new Error('no group coordinator');
  const members = await Promise.all(
    ['worker-a', 'worker-b'].map(async (workerId) => {
      // One connection per member: a JoinGroup blocks its connection until the rebalance ends.
      const connection = new Connection(`checks-raw-${workerId}`);
      await connection.connect(coordinator.host, coordinator.port);
      return { connection, member: new RawMember(connection, groupId, workerId) };
    }),
  );
  try {
    for (const { member } of members) member.start();
    await waitFor(
      () =>
        members.every((m) => m.member.assignment !== null) &&
        new Set(members.map((m) => m.member.generationId)).size === 1 &&
        members.some((m) => m.member.leaderSaw.length === 2),
      'one generation with both raw members',
      30_000,
    );
    // Admin.describeGroups() would throw (uncaught, in a callback) decoding "connect" member
    // metadata as a consumer subscription, so ask the broker with the raw API instead.
    const described = await describeGroupsV5.api.async(
      members[0]?.connection as Connection,
      [groupId],
      false,
    );
    const group = described.groups[0];
    const leader = members.find((m) => m.member.leaderSaw.length === 2)?.member;
    return {
      pass: group?.protocolType === 'connect',
      detail:
        `broker reports protocolType "${group?.protocolType}", protocol "${group?.protocolData}", ` +
        `state ${group?.groupState}, ${group?.members.length} members; ` +
        `leader saw ${leader?.leaderSaw.join(', ')}; ` +
        members.map((m) => `${m.member.workerId} got ${JSON.stringify(m.member.assignment)}`).join('; '),
    };
  } finally {
    for (const { member, connection } of members) {
      await member.stop().catch(() => undefined);
      await connection.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------

const CHECK_NAMES: Record<CheckId, string> = {
  a1: 'idempotent producer, sequential sends',
  a2: 'idempotent producer, 4 sends in flight',
  b: 'consumer-group rebalance, member leaves mid-stream',
  c: 'transactions: commit/abort, read_committed',
  d1: 'custom group protocol via consumer API',
  d2: 'custom group protocol, raw member (type "connect")',
};

const CLIENTS: Record<ClientName, () => Record<CheckId, Check> & { close(): Promise<void> }> = {
  kafkajs: kafkajsChecks,
  platformatic: platformaticChecks,
};

/** Client errors nest (MultipleErrors.errors, cause); the broker's error code is at the bottom. */
function describeError(error: unknown): string {
  const e = error as Error & { errors?: unknown[]; apiId?: string };
  const inner = [...(e.errors ?? []), ...(e.cause ? [e.cause] : [])].map(describeError);
  const own = e.apiId ? `${e.message} [${e.apiId}]` : String(e.message ?? e);
  return inner.length ? `${own} <- ${[...new Set(inner)].join('; ')}` : own;
}

async function runCheck(client: ClientName, id: CheckId, check: Check): Promise<Outcome> {
  const started = Date.now();
  let outcome: Outcome;
  try {
    outcome = await withTimeout(check(), CHECK_TIMEOUT_MS, `${client} ${id}`);
  } catch (error) {
    outcome = { pass: false, detail: `error: ${describeError(error)}` };
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${outcome.pass ? 'PASS' : 'FAIL'} ${client} ${id} ${CHECK_NAMES[id]} (${secs} s): ${outcome.detail}`,
  );
  return outcome;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: 'kafkajs,platformatic' },
      only: { type: 'string', default: Object.keys(CHECK_NAMES).join(',') },
    },
  });
  const clients = (values.clients ?? '').split(',').filter((c): c is ClientName => c in CLIENTS);
  const ids = (values.only ?? '').split(',').filter((c): c is CheckId => c in CHECK_NAMES);
  console.log(`bootstrap ${BOOTSTRAP.join(',')}, node ${process.version}`);
  const results = new Map<string, boolean>();
  for (const client of clients) {
    const checks = CLIENTS[client]();
    for (const id of ids) results.set(`${client}:${id}`, (await runCheck(client, id, checks[id])).pass);
    await checks.close();
  }
  console.log(`\n| check | ${clients.join(' | ')} |\n|---|${clients.map(() => '---').join('|')}|`);
  for (const id of ids) {
    const cells = clients.map((c) => (results.get(`${c}:${id}`) ? 'PASS' : 'FAIL'));
    console.log(`| ${id} ${CHECK_NAMES[id]} | ${cells.join(' | ')} |`);
  }
  // Clients may leave sockets or timers behind after a failed check; the results are printed.
  process.exit(0);
}

await main();
