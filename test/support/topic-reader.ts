import { createConsumer, FetchIsolationLevels, type Message } from '@msa-sync/kafka';
import { uniqueName } from './run-process.js';

export type RawRecord = Message<Buffer | undefined, Buffer | undefined, string, Buffer>;

/**
 * Every committed record of a topic (aborted ones too with READ_UNCOMMITTED), from the earliest
 * offset to the end as it is when called, read by a consumer in a group of its own (nothing
 * committed). The end is where the consumer's fetch
 * position reaches the end offsets, not the last record seen: transaction markers (exactly-once
 * sources, the offsets topic) take offsets that no record has. Fails when the end is not reached in time.
 */
export async function readTopic(
  bootstrap: string,
  topic: string,
  timeoutMs = 30_000,
  /** FetchIsolationLevels value; the client's default is READ_COMMITTED. */
  isolationLevel?: number,
  /** `startOffset`: read every partition from there, not the earliest; `maxBytes`: per fetch. */
  options: { startOffset?: bigint; maxBytes?: number } = {},
): Promise<RawRecord[]> {
  const consumer = createConsumer({
    bootstrapServers: [bootstrap],
    clientId: 'test-topic-reader',
    groupId: uniqueName('test-reader'),
    ...(isolationLevel === undefined ? {} : { isolationLevel }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  try {
    // The high watermark, not the last stable offset: a transaction committed just before this
    // call may not have its markers written yet, and its records must still be read.
    const ends =
      (
        await consumer.listOffsets({ topics: [topic], isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED })
      ).get(topic) ?? [];
    const records: RawRecord[] = [];
    if (ends.every((end) => end === 0n)) return records;
    const { startOffset } = options;
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
    const reached = () =>
      ends.every((end, partition) => (stream.offsetsToFetch.get(`${topic}:${partition}`) ?? 0n) >= end);
    try {
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = setInterval(() => {
          if (reached()) {
            clearInterval(check);
            // Records of the last fetch are pushed in the same tick as the position moves.
            setTimeout(resolve, 100);
          } else if (Date.now() > deadline) {
            clearInterval(check);
            reject(
              new Error(
                `read ${records.length} records of ${topic} but not to its end within ${timeoutMs} ms`,
              ),
            );
          }
        }, 50);
        stream.on('data', (record: RawRecord) => records.push(record));
        stream.on('error', (error: unknown) => {
          clearInterval(check);
          reject(error);
        });
      });
    } finally {
      await stream.close().catch(() => {});
    }
    return records;
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}

/** The headers of a record as text, for assertions. */
export function headerText(record: RawRecord): Record<string, string> {
  return Object.fromEntries([...record.headers].map(([k, v]) => [k, v.toString('utf8')]));
}
