import { createRawProducer, FetchIsolationLevels } from '@msa-sync/kafka';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';
import { type RawRecord as Raw, readTopic } from '../support/topic-reader.js';
import { createReadyTopic } from '../support/topics.js';

/**
 * The client's read_committed filter, patched in patches/@platformatic+kafka+1.35.0.patch. As
 * shipped, 1.35 threw a TypeError on an abort marker whose transaction the fetch's abort index
 * does not list (a fetch starting inside that transaction: catalog-service died on it once
 * order-service published in transactions), and it kept one range per producer, so a producer's
 * later aborted transaction replaced its earlier one. The log below interleaves three
 * transactional producers; every start offset and a one-batch-per-fetch reader must see exactly
 * the committed records after it.
 */
const bootstrap = inject('kafkaBootstrap');
const bootstrapServers = [bootstrap];

/** Offsets 0..13; c = committed, x = aborted, markers in brackets. */
const LOG = `a1x b1x a2x [a-abort] c1c [c-commit] b2x [b-abort] a3c [a-commit] b3x [b-abort] a4x [a-abort]`;

let topic: string;
/** Value and offset of every committed data record. */
let committed: { value: string; offset: bigint }[];
let end: bigint;

beforeAll(async () => {
  topic = uniqueName('rc-filter');
  await createReadyTopic(bootstrap, topic);
  const producers = Object.fromEntries(
    ['a', 'b', 'c'].map((p) => [
      p,
      createRawProducer({
        bootstrapServers,
        clientId: `rc-filter-${p}`,
        transactionalId: uniqueName(`rc-${p}`),
      }),
    ]),
  );
  // biome-ignore lint/suspicious/noExplicitAny: the client's Transaction type is not re-exported
  const open = new Map<string, any>();
  try {
    for (const step of LOG.split(' ')) {
      const marker = /^\[(\w)-(abort|commit)\]$/.exec(step);
      if (marker) {
        const [, p, how] = marker as unknown as [string, string, 'abort' | 'commit'];
        await open.get(p)[how]();
        open.delete(p);
        continue;
      }
      const p = step[0] as string;
      if (!open.has(p)) open.set(p, await producers[p]?.beginTransaction());
      await open.get(p).send({ messages: [{ topic, partition: 0, value: Buffer.from(step.slice(0, -1)) }] });
    }
  } finally {
    for (const producer of Object.values(producers)) await producer.close();
  }
  const everything = await readFrom(0n, FetchIsolationLevels.READ_UNCOMMITTED);
  expect(everything.map((r) => r.value?.toString())).toEqual([
    'a1',
    'b1',
    'a2',
    'c1',
    'b2',
    'a3',
    'b3',
    'a4',
  ]);
  committed = everything
    .filter((r) => ['c1', 'a3'].includes(r.value?.toString() ?? ''))
    .map((r) => ({ value: r.value?.toString() ?? '', offset: r.offset }));
  end = 14n;
}, 120_000);

/** Records from `offset` to the end of the log, one reader with a fresh group. */
function readFrom(offset: bigint, isolationLevel: number, maxBytes?: number): Promise<Raw[]> {
  return readTopic(bootstrap, topic, 20_000, isolationLevel, {
    startOffset: offset,
    ...(maxBytes === undefined ? {} : { maxBytes }),
  });
}

describe('read_committed consumer over interleaved aborted transactions (real broker)', () => {
  it('the log is as laid out: 8 data records, 6 markers', () => {
    expect(committed.map((c) => c.value)).toEqual(['c1', 'a3']);
    expect(end).toBe(14n);
  });

  it('from every start offset, reads exactly the committed records after it', async () => {
    for (let start = 0n; start < end; start++) {
      const seen = (await readFrom(start, FetchIsolationLevels.READ_COMMITTED)).map((r) =>
        r.value?.toString(),
      );
      expect(seen, `from offset ${start}`).toEqual(
        committed.filter((c) => c.offset >= start).map((c) => c.value),
      );
    }
  }, 180_000);

  it('reads the same when every fetch returns a single batch', async () => {
    const seen = (await readFrom(0n, FetchIsolationLevels.READ_COMMITTED, 1)).map((r) => r.value?.toString());
    expect(seen).toEqual(['c1', 'a3']);
  });
});
