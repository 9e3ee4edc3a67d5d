import { describe, expect, it } from 'vitest';
import {
  describeKafkaError,
  hasProtocolError,
  KafkaErrorCodes,
  kafkaErrorCode,
  nestedErrorIds,
} from './kafka-errors.js';

describe('describeKafkaError', () => {
  it('finds a refused connection inside nested aggregate errors, by its codes', () => {
    // The shape @platformatic/kafka 1.35 gives when nothing listens (read off a real failure).
    const refused = Object.assign(new Error('metadata failed 2 times.'), {
      code: 'PLT_KFK_MULTIPLE',
      errors: [
        Object.assign(new Error('Cannot connect to any broker.'), {
          code: 'PLT_KFK_MULTIPLE',
          errors: [
            Object.assign(new Error('Connection to 127.0.0.1:1 failed.'), {
              code: 'PLT_KFK_NETWORK',
              cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
            }),
          ],
        }),
      ],
    });
    expect(describeKafkaError(refused, ['127.0.0.1:1'])).toMatch(
      /^Cannot reach Kafka at 127\.0\.0\.1:1: no broker answered/,
    );
    const socketOnly = Object.assign(new Error('connect'), {
      cause: Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }),
    });
    expect(describeKafkaError(socketOnly, ['h:1'])).toMatch(/^Cannot reach Kafka at h:1/);
  });

  it('does not read the message text: a message about connecting is not a code', () => {
    const error = Object.assign(new Error('createTopics failed 1 times.'), {
      errors: [new Error('Cannot connect to any broker.')],
    });
    expect(describeKafkaError(error, ['h:1'])).toBe(
      'Kafka request to h:1 failed: Cannot connect to any broker.',
    );
  });

  it('keeps the most specific message of other failures', () => {
    const error = Object.assign(new Error('createTopics failed 2 times.'), {
      errors: [new Error('Topic with this name already exists.')],
    });
    expect(describeKafkaError(error, ['h:1'])).toBe(
      'Kafka request to h:1 failed: Topic with this name already exists.',
    );
    expect(describeKafkaError('plain', ['h:1'])).toBe('Kafka request to h:1 failed: plain');
  });
});

describe('hasProtocolError', () => {
  it('finds the protocol id the client attaches, however deep it nests the error', () => {
    const protocol = Object.assign(new Error('The group id does not exist.'), {
      apiId: 'GROUP_ID_NOT_FOUND',
    });
    const nested = new AggregateError([new AggregateError([protocol], 'Deleting groups failed.')], 'outer');
    expect(hasProtocolError(nested, 'GROUP_ID_NOT_FOUND')).toBe(true);
    expect(hasProtocolError({ errors: { group: protocol } }, 'GROUP_ID_NOT_FOUND')).toBe(true);
    expect(hasProtocolError(new Error('x', { cause: protocol }), 'GROUP_ID_NOT_FOUND')).toBe(true);
    expect(hasProtocolError(nested, 'NON_EMPTY_GROUP')).toBe(false);
    expect(hasProtocolError(new Error('GROUP_ID_NOT_FOUND'), 'GROUP_ID_NOT_FOUND')).toBe(false);
  });
});

describe('nestedErrorIds', () => {
  it('lists each protocol error and client code once, without the wrappers', () => {
    const notCoordinator = Object.assign(new Error('This is not the correct coordinator.'), {
      apiId: 'NOT_COORDINATOR',
      code: 'PLT_KFK_PROTOCOL',
    });
    const timeout = Object.assign(new Error('Request timed out'), { code: 'PLT_KFK_TIMEOUT' });
    const response = Object.assign(new AggregateError([notCoordinator], 'JoinGroup failed'), {
      code: 'PLT_KFK_RESPONSE',
    });
    const retries = Object.assign(
      new AggregateError([response, response, timeout], 'joinGroup failed 4 times.'),
      {
        code: 'PLT_KFK_MULTIPLE',
      },
    );
    expect(nestedErrorIds(retries)).toEqual(['NOT_COORDINATOR', 'PLT_KFK_TIMEOUT']);
    expect(nestedErrorIds(new Error('plain'))).toEqual([]);
  });
});

describe('kafkaErrorCode', () => {
  it('reads the protocol code wherever the client or a raw group request puts it', () => {
    expect(kafkaErrorCode(Object.assign(new Error('no coordinator'), { kafkaCode: 15 }))).toBe(
      KafkaErrorCodes.COORDINATOR_NOT_AVAILABLE,
    );
    expect(kafkaErrorCode({ response: { errorCode: 27 } })).toBe(KafkaErrorCodes.REBALANCE_IN_PROGRESS);
    expect(kafkaErrorCode({ response: { errorCode: 0 } })).toBeUndefined();
    const nested = new AggregateError([Object.assign(new Error('x'), { apiCode: 25 })], 'joinGroup failed');
    expect(kafkaErrorCode(nested)).toBe(KafkaErrorCodes.UNKNOWN_MEMBER_ID);
    expect(kafkaErrorCode(new Error('The group member needs to have a valid member id'))).toBeUndefined();
  });
});
