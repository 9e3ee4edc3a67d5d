/**
 * Kafka client throughput benchmark against the real broker.
 *
 *   npx tsx bench/kafka-client/run.ts [--records N] [--size BYTES] [--repeat K]
 *                                     [--candidates kafkajs,platformatic]
 *                                     [--batch B] [--inflight C] [--lanes mixed|partition]
 *                                     [--fetch-max-bytes N] [--fetch-partition-bytes N] [--fetch-wait MS]
 *                                     [--high-water-mark N] [--timeout-minutes M]
 *
 * For each candidate: create a fresh 6-partition topic with the candidate's admin API, produce N
 * records (acks=all, idempotent producer), consume them all back with a fresh consumer group from
 * earliest, check that every record arrived exactly once, then delete the topic.
 *
 * Each candidate runs in its own child process so that its RSS peak is its own (maxRSS is a
 * per-process high-water mark) and so that a candidate that hangs can be killed after 10 minutes
 * without taking the others down. With --repeat K the candidates are interleaved (A B A B ...)
 * so that noise from the shared machine hits them alike; the table shows medians.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Admin,
  type MessageToProduce,
  Consumer as PltConsumer,
  Producer as PltProducer,
  ProduceAcks,
} from '@platformatic/kafka';
import { Kafka, type Message as KjsMessage, logLevel, Partitioners } from 'kafkajs';

const PARTITIONS = 6;
const MiB = 1024 * 1024;
/** Default cap per candidate run; --timeout-minutes overrides it. */
const CANDIDATE_TIMEOUT_MINUTES = 10;
const PROGRESS_INTERVAL_MS = 250;
/** A consumer that got nothing new for this long is taken to have received all it ever will. */
const IDLE_MS = 20_000;
const BOOTSTRAP = (process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

type CandidateName = 'kafkajs' | 'platformatic';
type LaneMode = 'mixed' | 'partition';

/** How records are handed to the client: B records per send() call, C calls in flight. */
interface SendTuning {
  batch: number;
  inflight: number;
  /**
   * mixed: C lanes share one cursor, each batch spans all partitions.
   * partition: one lane per partition, each batch targets a single partition. This is the only
   * way to keep several idempotent sends in flight with @platformatic/kafka 1.35 (see below).
   */
  lanes: LaneMode;
}

/** Fetch sizes are the same numbers for both clients; each maps them onto its own options. */
interface FetchTuning {
  maxBytes: number;
  maxBytesPerPartition: number;
  maxWaitMs: number;
  /** @platformatic/kafka only: records buffered in its consumer stream (kafkajs has no stream). */
  highWaterMark: number;
}

interface Settings {
  records: number;
  size: number;
  send: SendTuning;
  fetch: FetchTuning;
}

interface RunResult {
  candidate: CandidateName;
  version: string;
  settings: Settings;
  produceMs: number;
  consumeMs: number;
  /** Time from subscribing to the first record: group join + first fetch. */
  firstRecordMs: number;
  rssPeakProduceMb: number;
  rssPeakMb: number;
  missing: number;
  duplicates: number;
  error?: string;
}

/**
 * Tuned per client with a sweep (docs/decisions/kafka-client.md). Both defaults are the fastest
 * setting that keeps the idempotent producer correct.
 */
const DEFAULT_SEND: Record<CandidateName, SendTuning> = {
  // kafkajs takes a per-broker lock around each idempotent Produce request, so extra sends in
  // flight only overlap the JS-side preparation of the next batch.
  kafkajs: { batch: 3000, inflight: 4, lanes: 'mixed' },
  // @platformatic/kafka 1.35 reads the idempotent sequence number when it builds a request and
  // only advances it when the response arrives: two concurrent sends to the same partition
  // carry the same sequence and the broker silently drops the second one as a duplicate.
  // One lane per partition keeps sends to a partition strictly sequential.
  platformatic: { batch: 500, inflight: PARTITIONS, lanes: 'partition' },
};

/**
 * Fetch sizes from the same sweep. kafkajs gains from large fetches (fewer, bigger batches per
 * callback); @platformatic/kafka is faster with 1 MB per partition, as its stream pushes each
 * fetch's records one by one and large fetches only make it wait longer on back-pressure.
 */
const DEFAULT_FETCH: Record<CandidateName, FetchTuning> = {
  kafkajs: { maxBytes: 50 * MiB, maxBytesPerPartition: 10 * MiB, maxWaitMs: 500, highWaterMark: 0 },
  platformatic: { maxBytes: 10 * MiB, maxBytesPerPartition: 1 * MiB, maxWaitMs: 500, highWaterMark: 1024 },
};

// ---------------------------------------------------------------------------------------------
// Client adapters: the only client-specific code.

interface Adapter {
  createTopic(topic: string): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  openProducer(): Promise<void>;
  send(topic: string, records: OutRecord[]): Promise<void>;
  closeProducer(): Promise<void>;
  /** Resolves once sink reports that every record arrived, after the consumer has closed. */
  consume(topic: string, groupId: string, fetch: FetchTuning, sink: Sink): Promise<void>;
  close(): Promise<void>;
}

interface OutRecord {
  partition: number;
  value: Buffer;
}

interface Sink {
  add(value: Buffer | null): void;
  readonly done: Promise<void>;
}

function kafkajsAdapter(): Adapter {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: BOOTSTRAP, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    // Explicit so kafkajs does not log its v2 partitioner-change warning; partitions are explicit.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    async createTopic(topic) {
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    openProducer: () => producer.connect(),
    async send(topic, records) {
      const messages: KjsMessage[] = records.map((r) => ({ partition: r.partition, value: r.value }));
      await producer.send({ topic, acks: -1, timeout: 30_000, messages });
    },
    closeProducer: () => producer.disconnect(),
    async consume(topic, groupId, fetch, sink) {
      const consumer = kafka.consumer({
        groupId,
        maxBytes: fetch.maxBytes,
        maxBytesPerPartition: fetch.maxBytesPerPartition,
        maxWaitTimeInMs: fetch.maxWaitMs,
      });
      const crashed = new Promise<never>((_, reject) => {
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        // eachBatch is kafkajs' high-throughput path: one callback per partition batch.
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) sink.add(m.value);
        },
      });
      try {
        await Promise.race([sink.done, crashed]);
      } finally {
        await consumer.disconnect();
      }
    },
    async close() {
      await admin.disconnect();
    },
  };
}

function platformaticAdapter(): Adapter {
  const base = { bootstrapBrokers: BOOTSTRAP };
  const admin = new Admin({ ...base, clientId: 'bench-plt-admin' });
  const producer = new PltProducer({
    ...base,
    clientId: 'bench-plt-producer',
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Request timeout; the 5 s default is tight for 1 MB batches on a busy 2-core machine.
    timeout: 30_000,
  });
  return {
    async createTopic(topic) {
      await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async openProducer() {
      // Fetch the producer id up front so that the first timed send does not pay for it.
      await producer.initIdempotentProducer({});
    },
    async send(topic, records) {
      const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = records.map((r) => ({
        topic,
        partition: r.partition,
        value: r.value,
      }));
      await producer.send({ messages });
    },
    closeProducer: () => producer.close(),
    async consume(topic, groupId, fetch, sink) {
      const consumer = new PltConsumer({ ...base, clientId: 'bench-plt-consumer', groupId });
      try {
        const stream = await consumer.consume({
          topics: [topic],
          mode: 'committed',
          fallbackMode: 'earliest',
          autocommit: true,
          maxBytes: fetch.maxBytes,
          maxBytesPerPartition: fetch.maxBytesPerPartition,
          maxWaitTime: fetch.maxWaitMs,
          highWaterMark: fetch.highWaterMark,
        });
        const failed = new Promise<never>((_, reject) => stream.once('error', reject));
        stream.on('data', (m) => sink.add(m.value));
        await Promise.race([sink.done, failed]);
        await stream.close();
      } finally {
        await consumer.close(true);
      }
    },
    async close() {
      await admin.close();
    },
  };
}

const ADAPTERS: Record<CandidateName, () => Adapter> = {
  kafkajs: kafkajsAdapter,
  platformatic: platformaticAdapter,
};

const PACKAGES: Record<CandidateName, string> = {
  kafkajs: 'kafkajs',
  platformatic: '@platformatic/kafka',
};

// ---------------------------------------------------------------------------------------------
// Worker: one candidate, one run, in its own process.

/** Each record's value starts with its index so the consumer can detect loss and duplicates. */
function makeValue(template: Buffer, index: number): Buffer {
  const value = Buffer.allocUnsafe(template.length);
  template.copy(value);
  value.writeUInt32BE(index, 0);
  return value;
}

function makeTemplate(size: number): Buffer {
  const template = Buffer.alloc(Math.max(size, 4));
  for (let i = 0; i < template.length; i++) template[i] = (i * 31 + 7) & 0xff;
  return template;
}

/** The list of record indexes each lane sends, in order, as a cursor. */
function makeLanes(records: number, tuning: SendTuning): Array<() => number[] | null> {
  if (tuning.lanes === 'partition') {
    return Array.from({ length: PARTITIONS }, (_, p) => {
      let next = p;
      return () => {
        if (next >= records) return null;
        const batch: number[] = [];
        for (; next < records && batch.length < tuning.batch; next += PARTITIONS) batch.push(next);
        return batch;
      };
    });
  }
  let next = 0;
  const take = (): number[] | null => {
    if (next >= records) return null;
    const end = Math.min(records, next + tuning.batch);
    const batch = Array.from({ length: end - next }, (_, i) => next + i);
    next = end;
    return batch;
  };
  return Array.from({ length: tuning.inflight }, () => take);
}

async function produceAll(adapter: Adapter, topic: string, s: Settings, progress: Progress): Promise<void> {
  const template = makeTemplate(s.size);
  const runLane = async (take: () => number[] | null): Promise<void> => {
    for (let batch = take(); batch; batch = take()) {
      const records = batch.map((i) => ({ partition: i % PARTITIONS, value: makeValue(template, i) }));
      await adapter.send(topic, records);
      progress.count += batch.length;
    }
  };
  await Promise.all(makeLanes(s.records, s.send).map(runLane));
}

/**
 * Counts records by the index stamped in their value. Done once every index arrived, or once no
 * new record arrived for IDLE_MS: a client that lost records must show up as "missing", not hang.
 */
function makeSink(records: number, progress: Progress): Sink & SinkStats {
  const seen = new Uint8Array(records);
  let unique = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const watchdog = setInterval(() => {
    if (performance.now() - sink.lastAt > IDLE_MS) resolve();
  }, 1000);
  void done.then(() => clearInterval(watchdog));
  const sink = {
    duplicates: 0,
    firstAt: 0,
    lastAt: performance.now(),
    get missing() {
      return records - unique;
    },
    done,
    add(value: Buffer | null) {
      const now = performance.now();
      if (sink.firstAt === 0) sink.firstAt = now;
      const index = value && value.length >= 4 ? value.readUInt32BE(0) : -1;
      if (index < 0 || index >= records) return;
      if (seen[index]) {
        sink.duplicates++;
        return;
      }
      seen[index] = 1;
      sink.lastAt = now;
      progress.count = ++unique;
      if (unique === records) resolve();
    },
  };
  return sink;
}

interface SinkStats {
  duplicates: number;
  firstAt: number;
  lastAt: number;
  readonly missing: number;
}

interface Progress {
  phase: string;
  count: number;
}

/** A carriage-return progress line on stderr, so stdout stays clean for the results. */
function startProgress(label: string, total: number, progress: Progress): () => void {
  let last = { at: performance.now(), count: 0, phase: progress.phase };
  const timer = setInterval(() => {
    const now = performance.now();
    // A phase change resets the counter; the rate restarts from zero with it.
    if (last.phase !== progress.phase) last = { at: now, count: 0, phase: progress.phase };
    const rate = ((progress.count - last.count) * 1000) / Math.max(1, now - last.at);
    last = { at: now, count: progress.count, phase: progress.phase };
    const pct = ((100 * progress.count) / total).toFixed(1);
    const rss = (process.memoryUsage.rss() / 2 ** 20).toFixed(0);
    process.stderr.write(
      `\r[${label}] ${progress.phase} ${progress.count.toLocaleString('en')}/${total.toLocaleString('en')} (${pct}%) ` +
        `${Math.round(rate).toLocaleString('en')} rec/s, rss ${rss} MB     `,
    );
  }, PROGRESS_INTERVAL_MS);
  return () => {
    clearInterval(timer);
    process.stderr.write('\n');
  };
}

/** maxRSS is the kernel's high-water mark for this process, in KiB on Linux. */
function rssPeakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function runCandidate(name: CandidateName, s: Settings, topic: string): Promise<RunResult> {
  const adapter = ADAPTERS[name]();
  const progress: Progress = { phase: 'produce', count: 0 };
  const stop = startProgress(name, s.records, progress);
  try {
    await adapter.createTopic(topic);
    await adapter.openProducer();
    const t0 = performance.now();
    await produceAll(adapter, topic, s, progress);
    const produceMs = performance.now() - t0;
    await adapter.closeProducer();
    const rssPeakProduceMb = rssPeakMb();

    Object.assign(progress, { phase: 'consume', count: 0 });
    const sink = makeSink(s.records, progress);
    const t1 = performance.now();
    const consuming = adapter.consume(topic, topic, s.fetch, sink);
    await Promise.race([sink.done, consuming]);
    // Time to the last new record: excludes the idle wait when records are missing, and close().
    const consumeMs = sink.lastAt - t1;
    await consuming;
    stop();
    await adapter.deleteTopic(topic).catch(() => undefined);
    await adapter.close();
    return {
      candidate: name,
      version: packageVersion(PACKAGES[name]),
      settings: s,
      produceMs,
      consumeMs,
      firstRecordMs: sink.firstAt - t1,
      rssPeakProduceMb,
      rssPeakMb: rssPeakMb(),
      missing: sink.missing,
      duplicates: sink.duplicates,
    };
  } catch (error) {
    stop();
    await adapter.deleteTopic(topic).catch(() => undefined);
    throw error;
  }
}

function packageVersion(pkg: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dir === dirname(dir)) return 'unknown';
  }
}

async function workerMain(name: CandidateName, s: Settings, topic: string): Promise<void> {
  const result = await runCandidate(name, s, topic).catch((error: Error) =>
    failedResult(name, s, error.message),
  );
  process.send?.(result);
  // Some clients keep sockets or timers alive after close(); the parent has what it needs.
  process.exit(0);
}

function failedResult(name: CandidateName, s: Settings, error: string): RunResult {
  return {
    candidate: name,
    version: packageVersion(PACKAGES[name]),
    settings: s,
    produceMs: Number.NaN,
    consumeMs: Number.NaN,
    firstRecordMs: Number.NaN,
    rssPeakProduceMb: Number.NaN,
    rssPeakMb: Number.NaN,
    missing: Number.NaN,
    duplicates: Number.NaN,
    error,
  };
}

// ---------------------------------------------------------------------------------------------
// Orchestrator: one child per candidate and run, a 10-minute cap each, then the table.

async function runInChild(name: CandidateName, s: Settings, timeoutMinutes: number): Promise<RunResult> {
  // The parent names the topic so that it can still delete it when it had to kill the child.
  const topic = `bench-${name}-${Date.now()}-${process.pid}`;
  const result = await new Promise<RunResult>((resolve) => {
    const child: ChildProcess = fork(
      fileURLToPath(import.meta.url),
      ['--worker', name, '--settings', JSON.stringify(s), '--topic', topic],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let reported: RunResult | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reported = failedResult(name, s, `aborted: exceeded ${timeoutMinutes} minutes`);
    }, timeoutMinutes * 60_000);
    child.on('message', (m) => {
      reported = m as RunResult;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(reported ?? failedResult(name, s, `worker exited with ${signal ?? `code ${code}`}`));
    });
  });
  if (result.error) await deleteTopicQuietly(topic);
  return result;
}

/** Cleanup only, never measured: any admin client will do. */
async function deleteTopicQuietly(topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'bench-cleanup', bootstrapBrokers: BOOTSTRAP });
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.close();
}

const perSec = (n: number, ms: number): number => (n * 1000) / ms;
const mbPerSec = (s: Settings, ms: number): number => (s.records * s.size) / 1e6 / (ms / 1000);

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Summary {
  candidate: CandidateName;
  version: string;
  send: SendTuning;
  produceMs: number;
  consumeMs: number;
  rssPeakMb: number;
  integrity: string;
}

function summarize(name: CandidateName, runs: RunResult[]): Summary {
  const ok = runs.filter((r) => !r.error);
  const bad = runs.filter((r) => r.error || r.missing || r.duplicates);
  const first = runs[0] as RunResult;
  return {
    candidate: name,
    version: first.version,
    send: first.settings.send,
    produceMs: median(ok.map((r) => r.produceMs)),
    consumeMs: median(ok.map((r) => r.consumeMs)),
    rssPeakMb: median(ok.map((r) => r.rssPeakMb)),
    integrity:
      bad.length === 0
        ? 'exact'
        : bad.map((r) => r.error ?? `missing ${r.missing}, dup ${r.duplicates}`).join('; '),
  };
}

function fmt(n: number, digits = 0): string {
  return Number.isNaN(n)
    ? '-'
    : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function printTable(summaries: Summary[], s: Settings, repeat: number): void {
  const bestProduce = Math.min(...summaries.map((x) => x.produceMs).filter((v) => !Number.isNaN(v)));
  const bestConsume = Math.min(...summaries.map((x) => x.consumeMs).filter((v) => !Number.isNaN(v)));
  const header = [
    'client',
    'version',
    'send tuning',
    'produce rec/s',
    'produce MB/s',
    'consume rec/s',
    'consume MB/s',
    'RSS peak MB',
    'produce vs fastest',
    'consume vs fastest',
    'records',
  ];
  const rows = summaries.map((x) => [
    x.candidate,
    x.version,
    `${x.send.lanes} b=${x.send.batch} c=${x.send.lanes === 'partition' ? PARTITIONS : x.send.inflight}`,
    fmt(perSec(s.records, x.produceMs)),
    fmt(mbPerSec(s, x.produceMs), 1),
    fmt(perSec(s.records, x.consumeMs)),
    fmt(mbPerSec(s, x.consumeMs), 1),
    fmt(x.rssPeakMb),
    // Throughput ratio: 1.00 is the fastest, 0.50 means half its records/s.
    fmt(bestProduce / x.produceMs, 2),
    fmt(bestConsume / x.consumeMs, 2),
    x.integrity,
  ]);
  console.log(
    `\n${s.records.toLocaleString('en')} records of ${s.size} B, 6 partitions, acks=all, idempotent; ` +
      `median of ${repeat} run(s); MB = 10^6 bytes of record values\n`,
  );
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

function printRun(r: RunResult): void {
  if (r.error) {
    console.log(`${r.candidate}: FAILED ${r.error}`);
    return;
  }
  const s = r.settings;
  console.log(
    `${r.candidate} ${r.version}: produce ${fmt(perSec(s.records, r.produceMs))} rec/s ` +
      `(${fmt(mbPerSec(s, r.produceMs), 1)} MB/s, ${fmt(r.produceMs / 1000, 1)} s), ` +
      `consume ${fmt(perSec(s.records, r.consumeMs))} rec/s (${fmt(mbPerSec(s, r.consumeMs), 1)} MB/s, ` +
      `${fmt(r.consumeMs / 1000, 1)} s, first record after ${fmt(r.firstRecordMs)} ms), ` +
      `RSS peak ${fmt(r.rssPeakProduceMb)} MB after produce / ${fmt(r.rssPeakMb)} MB overall, ` +
      `missing ${r.missing}, duplicates ${r.duplicates}`,
  );
}

function parseCli() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      size: { type: 'string', default: '1024' },
      repeat: { type: 'string', default: '1' },
      candidates: { type: 'string', default: 'kafkajs,platformatic' },
      batch: { type: 'string' },
      inflight: { type: 'string' },
      lanes: { type: 'string' },
      'fetch-max-bytes': { type: 'string' },
      'fetch-partition-bytes': { type: 'string' },
      'fetch-wait': { type: 'string' },
      'high-water-mark': { type: 'string' },
      'timeout-minutes': { type: 'string' },
      worker: { type: 'string' },
      topic: { type: 'string' },
      settings: { type: 'string' },
    },
  });
  return values;
}

function settingsFor(name: CandidateName, cli: ReturnType<typeof parseCli>): Settings {
  const defaults = DEFAULT_SEND[name];
  const fetch = DEFAULT_FETCH[name];
  return {
    records: Number(cli.records),
    size: Number(cli.size),
    send: {
      batch: cli.batch ? Number(cli.batch) : defaults.batch,
      inflight: cli.inflight ? Number(cli.inflight) : defaults.inflight,
      lanes: (cli.lanes as LaneMode | undefined) ?? defaults.lanes,
    },
    fetch: {
      maxBytes: Number(cli['fetch-max-bytes'] ?? fetch.maxBytes),
      maxBytesPerPartition: Number(cli['fetch-partition-bytes'] ?? fetch.maxBytesPerPartition),
      maxWaitMs: Number(cli['fetch-wait'] ?? fetch.maxWaitMs),
      highWaterMark: Number(cli['high-water-mark'] ?? fetch.highWaterMark),
    },
  };
}

async function main(): Promise<void> {
  const cli = parseCli();
  if (cli.worker) {
    await workerMain(
      cli.worker as CandidateName,
      JSON.parse(cli.settings ?? '{}') as Settings,
      cli.topic ?? '',
    );
    return;
  }
  const names = (cli.candidates ?? '').split(',').filter((n): n is CandidateName => n in ADAPTERS);
  const repeat = Math.max(1, Number(cli.repeat));
  const timeoutMinutes = Number(cli['timeout-minutes'] ?? CANDIDATE_TIMEOUT_MINUTES);
  console.log(`bootstrap ${BOOTSTRAP.join(',')}, node ${process.version}`);
  console.log(
    '@confluentinc/kafka-javascript: not benchmarked (its native addon does not build here, ' +
      'see docs/decisions/kafka-client.md)',
  );
  const runs = new Map<CandidateName, RunResult[]>(names.map((n) => [n, []]));
  for (let i = 0; i < repeat; i++) {
    for (const name of names) {
      const result = await runInChild(name, settingsFor(name, cli), timeoutMinutes);
      printRun(result);
      runs.get(name)?.push(result);
    }
  }
  const first = runs.get(names[0] as CandidateName)?.[0];
  if (!first) return;
  printTable(
    names.map((n) => summarize(n, runs.get(n) ?? [])),
    first.settings,
    repeat,
  );
}

await main();
