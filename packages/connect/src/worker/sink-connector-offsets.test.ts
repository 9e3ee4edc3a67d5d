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
      entry({ kafka_topic: 'u', kafka_partition: 3 }, null),
      entry({ kafka_topic: 'u', kafka_partition: '+4' }, null),
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

  // Connect's own messages (SinkUtils), except where Connect lets bad input reach the broker.
  const unparsableOffset = (v: string) =>
    `Failed to parse the following Kafka offset value in the provided offsets: '${v}'. Offset values for sink connectors need to be integers.`;
  const unparsablePartition = (v: string) =>
    `Failed to parse the following Kafka partition value in the provided offsets: '${v}'. Partition values for sink connectors need to be integers.`;
  it.each([
    [
      entry({ kafka_topic: 't' }, { kafka_offset: 1 }),
      "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
    ],
    [
      entry({ kafka_partition: 0 }, { kafka_offset: 1 }),
      "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
    ],
    [
      entry({ kafka_topic: null, kafka_partition: 0 }, { kafka_offset: 1 }),
      'Kafka topic names must be valid strings and may not be null',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: null }, { kafka_offset: 1 }),
      'Kafka partitions must be valid numbers and may not be null',
    ],
    [
      entry({ kafka_topic: 5, kafka_partition: 0 }, { kafka_offset: 1 }),
      'Kafka topic names must be valid strings and may not be empty: 5',
    ],
    [
      entry({ kafka_topic: '', kafka_partition: 0 }, { kafka_offset: 1 }),
      'Kafka topic names must be valid strings and may not be empty: ""',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: -1 }, { kafka_offset: 1 }),
      'Kafka partitions must be valid numbers and may not be negative: -1',
    ],
    [entry({ kafka_topic: 't', kafka_partition: 1.5 }, { kafka_offset: 1 }), unparsablePartition('1.5')],
    [
      entry({ kafka_topic: 't', kafka_partition: 2 ** 31 }, { kafka_offset: 1 }),
      unparsablePartition('2147483648'),
    ],
    [entry({ kafka_topic: 't', kafka_partition: 'x' }, { kafka_offset: 1 }), unparsablePartition('x')],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: -2 }),
      'Kafka offsets must be valid numbers and may not be negative: -2',
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: '-2' }),
      'Kafka offsets must be valid numbers and may not be negative: -2',
    ],
    [entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 1.5 }), unparsableOffset('1.5')],
    [entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 'abc' }), unparsableOffset('abc')],
    [entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: null }), unparsableOffset('null')],
    [entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: [] }), unparsableOffset('[]')],
    [entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 1e300 }), unparsableOffset('1e+300')],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: '9223372036854775808' }),
      unparsableOffset('9223372036854775808'),
    ],
    [
      entry({ kafka_topic: 't', kafka_partition: 0 }, { position: 1 }),
      "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
    ],
  ])('rejects %j with a 400', (bad, message) => {
    expect(badRequestMessage(() => parseSinkConnectorOffsets([bad]))).toBe(message);
  });

  it('checks every entry before returning anything: one bad entry refuses the lot', () => {
    expect(() =>
      parseSinkConnectorOffsets([
        entry({ kafka_topic: 't', kafka_partition: 0 }, { kafka_offset: 1 }),
        entry({ kafka_topic: 't', kafka_partition: 1 }, { kafka_offset: 'x' }),
      ]),
    ).toThrow(ConnectError);
  });
});
