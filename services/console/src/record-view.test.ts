import { describe, expect, it } from 'vitest';
import { deadLetterContext, payloadView } from './record-view.js';

describe('record view', () => {
  it('decodes the __connect.errors.* headers of a dead letter record', () => {
    const headers: [string, Buffer][] = [
      ['__connect.errors.topic', Buffer.from('orders')],
      ['__connect.errors.partition', Buffer.from('0')],
      ['__connect.errors.offset', Buffer.from('10')],
      ['__connect.errors.connector.name', Buffer.from('sink')],
      ['__connect.errors.task.id', Buffer.from('0')],
      ['__connect.errors.stage', Buffer.from('TASK_PUT')],
      ['__connect.errors.exception.class.name', Buffer.from('java.sql.SQLException')],
      ['__connect.errors.exception.message', Buffer.from("Column 'email' cannot be null")],
      ['__connect.errors.jdbc.sql.state', Buffer.from('23000')],
      ['trace-id', Buffer.from('abc')],
    ];
    expect(deadLetterContext(headers)).toEqual({
      topic: 'orders',
      partition: '0',
      offset: '10',
      connector: 'sink',
      task: '0',
      stage: 'TASK_PUT',
      exceptionClass: 'java.sql.SQLException',
      message: "Column 'email' cannot be null",
      extra: { 'jdbc.sql.state': '23000' },
    });
    expect(deadLetterContext([['trace-id', Buffer.from('abc')]])).toBeUndefined();
  });

  it('splits a Connect JSON envelope into schema and payload, and shows bytes that are not text as hex', () => {
    const envelope = { schema: { type: 'int32', optional: false }, payload: 5 };
    expect(payloadView(Buffer.from(JSON.stringify(envelope)))).toMatchObject({
      kind: 'json',
      schema: envelope.schema,
      payload: 5,
    });
    expect(payloadView(Buffer.from('plain'))).toMatchObject({ kind: 'text', text: 'plain', size: 5 });
    expect(payloadView(Buffer.from([0xff, 0xfe]))).toEqual({ kind: 'binary', text: 'fffe', size: 2 });
    expect(payloadView(undefined)).toEqual({ kind: 'null', text: null, size: 0 });
  });
});
