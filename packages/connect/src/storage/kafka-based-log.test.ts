import type { KafkaClients, OutgoingMessage, RawConsumer } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { KafkaBasedLog, type LogRecord } from './kafka-based-log.js';

type Entry = { key: Buffer | null; value: Buffer | null; control?: boolean };

/**
 * A topic held in memory, served the way the broker answers the log's requests: metadata with a
 * leader per partition, fetches of record batches from an offset, end offsets. A control batch
 * (a transaction marker) takes an offset but holds no record for the reader.
 */
class FakeTopic {
  readonly partitions: Entry[][];
  /** Where each partition's log starts (retention or compaction removed what is before). */
  readonly logStart: bigint[];
  fetches = 0;
  /** A fetch waits for this while set (a long poll on a broker with nothing new). */
  hold: Promise<void> | undefined;

  constructor(
    readonly name: string,
    partitionCount: number,
  ) {
    this.partitions = Array.from({ length: partitionCount }, () => []);
    this.logStart = Array.from({ length: partitionCount }, () => 0n);
  }

  append(partition: number, entry: Entry): void {
    this.partitions[partition]?.push(entry);
  }

  consumer(): RawConsumer {
    const consumer = {
      on: () => consumer,
      metadata: async () => ({
        topics: new Map([
          [
            this.name,
            {
              id: `${this.name}-id`,
              // Two brokers: the log fetches from each partition's leader.
              partitions: this.partitions.map((_, p) => ({ leader: p % 2 })),
            },
          ],
        ]),
      }),
      listOffsets: async () =>
        new Map([[this.name, this.partitions.map((entries) => BigInt(entries.length))]]),
      fetch: async (request: {
        node: number;
        topics: { partitions: { partition: number; fetchOffset: bigint }[] }[];
      }) => {
        this.fetches++;
        await this.hold;
        // A broker answers an empty fetch after its wait; a short one keeps the test quick.
        await new Promise((resolve) => setTimeout(resolve, 2));
        const partitions = (request.topics[0]?.partitions ?? []).map(({ partition, fetchOffset }) => {
          const start = this.logStart[partition] ?? 0n;
          if (fetchOffset < start) {
            return { partitionIndex: partition, errorCode: 1, logStartOffset: start, records: [] };
          }
          const entries = (this.partitions[partition] ?? []).slice(Number(fetchOffset));
          // One batch per entry, so control batches can sit between data batches.
          const batches = entries.map((entry, i) => ({
            firstOffset: fetchOffset + BigInt(i),
            firstTimestamp: 1000n,
            lastOffsetDelta: 0,
            attributes: entry.control ? 0x20 : 0,
            records: [{ offsetDelta: 0, timestampDelta: BigInt(i), key: entry.key, value: entry.value }],
          }));
          return { partitionIndex: partition, errorCode: 0, logStartOffset: start, records: batches };
        });
        return { responses: [{ partitions }] };
      },
      close: (_force: boolean, callback: () => void) => callback(),
    };
    return consumer as unknown as RawConsumer;
  }
}

function setup(topic: FakeTopic) {
  const records: LogRecord[] = [];
  const sent: OutgoingMessage[] = [];
  let producerClosed = false;
  const clients = {
    createConsumer: () => topic.consumer(),
    createProducer: () => ({
      send: async ({ messages }: { messages: OutgoingMessage[] }) => {
        for (const m of messages) {
          sent.push(m);
          topic.append(m.partition ?? 0, { key: m.key ?? null, value: m.value ?? null });
        }
        return {};
      },
      close: async () => {
        producerClosed = true;
      },
    }),
  } as unknown as KafkaClients;
  const log = new KafkaBasedLog({
    topic: topic.name,
    client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
    logger: pino({ level: 'silent' }),
    onRecord: (record) => records.push(record),
    fetchWaitMs: 5,
    clients,
  });
  return { log, records, sent, producerClosed: () => producerClosed };
}

const text = (records: LogRecord[]) =>
  records.map(
    (r) => `${r.partition}:${r.offset}:${r.key?.toString()}=${r.value?.toString() ?? '<tombstone>'}`,
  );

describe('KafkaBasedLog (fake consumer and producer through the injected clients)', () => {
  it('start() returns once every record already in the topic was applied, in order per partition', async () => {
    const topic = new FakeTopic('connect-configs', 2);
    topic.append(0, { key: Buffer.from('a'), value: Buffer.from('1') });
    topic.append(1, { key: Buffer.from('b'), value: Buffer.from('2') });
    topic.append(0, { key: Buffer.from('a'), value: Buffer.from('3') });
    const t = setup(topic);
    await t.log.start();
    expect(text(t.records).sort()).toEqual(['0:0:a=1', '0:1:a=3', '1:0:b=2']);
    expect(t.log.partitionCount).toBe(2);
    await t.log.stop();
    expect(t.producerClosed()).toBe(true);
  });

  it('send() hands the record to the producer; readToEnd() then waits until it was read back', async () => {
    const topic = new FakeTopic('connect-status', 2);
    const t = setup(topic);
    await t.log.start();
    await t.log.send('status-task-x-0', '{"state":"RUNNING"}', 1);
    await t.log.send(Buffer.from('status-task-x-1'), null);
    expect(t.sent).toEqual([
      {
        topic: 'connect-status',
        key: Buffer.from('status-task-x-0'),
        value: Buffer.from('{"state":"RUNNING"}'),
        partition: 1,
      },
      { topic: 'connect-status', key: Buffer.from('status-task-x-1') },
    ]);
    await t.log.readToEnd();
    expect(text(t.records).sort()).toEqual([
      '0:0:status-task-x-1=<tombstone>',
      '1:0:status-task-x-0={"state":"RUNNING"}',
    ]);
    await t.log.stop();
  });

  it('readToEnd() does not resolve before the fetch bringing the last record is applied', async () => {
    const topic = new FakeTopic('connect-offsets', 1);
    const t = setup(topic);
    await t.log.start();
    let release = () => {};
    topic.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The next fetch is held at the broker, then the record arrives.
    const before = topic.fetches;
    await vi.waitFor(() => expect(topic.fetches).toBeGreaterThan(before));
    topic.append(0, { key: Buffer.from('k'), value: Buffer.from('v') });
    let reached = false;
    const reading = t.log.readToEnd().then(() => {
      reached = true;
    });
    // However long the fetch is held, the record is not there and readToEnd waits.
    const fetchesBefore = topic.fetches;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reached).toBe(false);
    expect(t.records).toEqual([]);
    topic.hold = undefined;
    release();
    await reading;
    expect(text(t.records)).toEqual(['0:0:k=v']);
    expect(topic.fetches).toBeGreaterThan(fetchesBefore);
    await t.log.stop();
  });

  it('skips transaction markers, and starts over from the log start when its position was removed', async () => {
    const topic = new FakeTopic('connect-offsets', 1);
    topic.append(0, { key: Buffer.from('x'), value: Buffer.from('1') });
    topic.append(0, { key: null, value: null, control: true });
    topic.append(0, { key: Buffer.from('y'), value: Buffer.from('2') });
    const t = setup(topic);
    await t.log.start();
    // The marker's offset is passed, so the end (3) is reached.
    expect(text(t.records)).toEqual(['0:0:x=1', '0:2:y=2']);
    await t.log.stop();

    // Another reader, after retention removed offsets 0-1: OFFSET_OUT_OF_RANGE moves it to 2.
    const later = setup(topic);
    topic.logStart[0] = 2n;
    await later.log.start();
    expect(text(later.records)).toEqual(['0:2:y=2']);
    await later.log.stop();
  });
});
