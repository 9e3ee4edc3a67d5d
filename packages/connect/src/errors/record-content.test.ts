import { describe, expect, it } from 'vitest';
import {
  contentMessage,
  MASKED_CONTENT,
  maskRecordContent,
  NotContent,
  quotingContent,
} from './record-content.js';

describe('record content in error messages', () => {
  it('keeps the message as Kafka words it until masked, then masks only the content', () => {
    const message = contentMessage`value (${'4111 1111'}) does not match pattern (${new NotContent('yyyy')})`;
    expect(message).toEqual({
      text: 'value (4111 1111) does not match pattern (yyyy)',
      masked: `value (${MASKED_CONTENT}) does not match pattern (yyyy)`,
    });
    const error = quotingContent(new Error(message.text), message);
    expect(error.message).toBe(message.text);
    expect(maskRecordContent(error)).toBe(error);
    expect(error.message).toBe(message.masked);
    expect(error.stack).not.toContain('4111');
    expect(error.stack?.split('\n')[0]).toBe(`Error: ${message.masked}`);
    maskRecordContent(error);
    expect(error.message).toBe(message.masked);
  });

  it('masks every cause that quotes content and leaves the others alone', () => {
    const inner = quotingContent(
      new Error('For input string: "seven"'),
      contentMessage`For input string: "${'seven'}"`,
    );
    const outer = new Error('Cast failed', { cause: inner });
    const top = new Error('Tolerance exceeded', { cause: outer });
    maskRecordContent(top);
    expect([top.message, outer.message, inner.message]).toEqual([
      'Tolerance exceeded',
      'Cast failed',
      `For input string: "${MASKED_CONTENT}"`,
    ]);
    expect(maskRecordContent('not an error')).toBe('not an error');
  });
});
