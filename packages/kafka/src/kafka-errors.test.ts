import { describe, expect, it } from 'vitest';
import { describeKafkaError, hasProtocolError, isBrokerUnreachable } from './kafka-errors.js';

describe('describeKafkaError', () => {
  it('finds a refused connection inside nested aggregate errors', () => {
    const nested = Object.assign(new Error('metadata failed 3 times.'), {
      errors: [Object.assign(new Error('Cannot connect to any broker.'), { errors: [] })],
    });
    expect(isBrokerUnreachable(nested)).toBe(true);
    expect(describeKafkaError(nested, ['127.0.0.1:1'])).toMatch(
      /^Cannot reach Kafka at 127\.0\.0\.1:1: no broker answered/,
    );
    const refused = Object.assign(new Error('connect'), {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(isBrokerUnreachable(refused)).toBe(true);
  });

  it('keeps the most specific message of other failures', () => {
    const error = Object.assign(new Error('createTopics failed 2 times.'), {
      errors: [new Error('Topic with this name already exists.')],
    });
    expect(isBrokerUnreachable(error)).toBe(false);
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
