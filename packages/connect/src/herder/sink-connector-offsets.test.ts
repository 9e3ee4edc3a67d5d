import { describe, expect, it } from 'vitest';
import { ConnectError } from '../errors/connect-error.js';
import { parseSinkConnectorOffsets } from './sink-connector-offsets.js';

const entry = (partition: Record<string, unknown>, offset: Record<string, unknown> | null) => ({
  partition,
  offset,
});

function badRequestMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).httpStatus).toBe(400);
    return (error as Error).message;
  }
  throw new Error('expected a 400');
}

describe('parseSinkConnectorOffsets', () => {
  it("sorts offsets into the client's alter and delete shapes", () => {
    const changes = parseSinkConnectorOffsets([
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 2 }),
      entry({ kafka_topic: 't', kafka_partition: '1' }, { kafka_offset: '9007199254740993' }),
      entry({ kafka_topic: 'u', kafka_partition: 3 }, { kafka_offset: null }),
      entry({ kafka_topic: 'u', kafka_partition: 4 }, null),
    ]);
    expect(changes.alter).toEqual([
      {
        name: 't',
        partitionOffsets: [
          { partition: 0, offset: 2n },
          { partition: 1, offset: 9007199254740993n },
        ],
      },
    ]);
    expect(changes.remove).toEqual([{ name: 'u', partitionIndexes: [3, 4] }]);
  });

  it('a later entry for the same partition wins', () => {
    const changes = parseSinkConnectorOffsets([
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 5 }),
      entry({ kafka_topic: 't', kafka_partition: 0 }, null),
    ]);
    expect(changes).toEqual({ alter: [], remove: [{ name: 't', partitionIndexes: [0] }] });
  });

  it.each([
    [
      entry({ kafka_topic: 't' }, { kafka_offset: 1 }),
      "must contain the keys 'kafka_topic' and 'kafka_partition'",
    ],
    [
      entry({ kafka_partition: 0 }, { kafka_offset: 1 }),
      "must contain the keys 'kafka_topic' and 'kafka_partition'",
    ],
    [
      entry({ kafka_topic: 5, kafka_partition: 0 }, { kafka_offset: 1 }),
      'Kafka topic names must be valid strings',
    ],
    [
      entry({ kafka_topic: '', kafka_partition: 0 }, { kafka_offset: 1 }),
      'Kafka topic names must be valid strings',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: -1 }, { kafka_offset: 1 }),
      'Kafka partitions must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 1.5 }, { kafka_offset: 1 }),
      'Kafka partitions must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 2 ** 31 }, { kafka_offset: 1 }),
      'Kafka partitions must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 'x' }, { kafka_offset: 1 }),
      'Kafka partitions must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: -2 }),
      'Kafka offsets must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 'abc' }),
      'Kafka offsets must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: [] }),
      'Kafka offsets must be valid numbers',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 1e300 }),
      'Kafka offsets must be valid numbers',
    ],
    [entry({ kafka_topic: 't', kafka_partition: 0 }, { position: 1 }), "contain the key 'kafka_offset'"],
  ])('rejects %j with a 400', (bad, message) => {
    expect(badRequestMessage(() => parseSinkConnectorOffsets([bad]))).toContain(message);
  });
});
