import type { Admin, OutgoingMessage } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  estimatedRecordBytes,
  MAX_REQUEST_BYTES,
  type MessageSizeLimits,
  RecordTooLargeError,
  splitUnderLimit,
  TopicMessageSizeLimits,
} from './source-record-delivery.js';

const message = (topic: string, bytes: number, n = 0): OutgoingMessage => ({
  topic,
  key: Buffer.from(String(n)),
  value: Buffer.alloc(bytes, 'x'),
});

const limits = (byTopic: Record<string, number>): MessageSizeLimits => ({
  load: async () => {},
  limitOf: (topic) => byTopic[topic] ?? MAX_REQUEST_BYTES,
});

/** The most a record batch of these messages can take, as the splitter counts it. */
const batchBytes = (messages: OutgoingMessage[]) =>
  61 + messages.reduce((sum, m) => sum + estimatedRecordBytes(m), 0);

describe('splitUnderLimit', () => {
  it('keeps a poll that fits as one group, the same array', () => {
    const messages = [message('a', 100, 1), message('a', 100, 2)];
    const groups = splitUnderLimit(messages, limits({}));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toBe(messages);
    expect(splitUnderLimit([], limits({}))).toEqual([]);
  });

  it("splits a poll over the topic's max.message.bytes into groups under it, in order", () => {
    const messages = Array.from({ length: 50 }, (_, i) => message('small', 100, i));
    const groups = splitUnderLimit(messages, limits({ small: 1000 }));
    expect(groups.length).toBeGreaterThan(5);
    for (const group of groups) expect(batchBytes(group)).toBeLessThanOrEqual(1000);
    expect(groups.flat()).toEqual(messages);
  });

  it("bounds a group by the smallest limit of the topics in it, and by Apache's max.request.size", () => {
    const messages = [
      message('big', 400, 1),
      message('small', 400, 2),
      message('big', 400, 3),
      message('big', 400, 4),
    ];
    const groups = splitUnderLimit(messages, limits({ big: 10_000, small: 1000 }));
    for (const group of groups) {
      const limit = group.some((m) => m.topic === 'small') ? 1000 : 10_000;
      expect(batchBytes(group)).toBeLessThanOrEqual(limit);
    }
    expect(groups.flat()).toEqual(messages);
    const huge = Array.from({ length: 5 }, (_, i) => message('big', 300_000, i));
    const capped = splitUnderLimit(huge, limits({ big: 100_000_000 }));
    for (const group of capped) expect(batchBytes(group)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(capped.length).toBeGreaterThan(1);
  });

  it('refuses one record larger than its topic accepts, as Apache (RecordTooLargeException)', () => {
    const messages = [message('small', 10, 1), message('small', 2000, 2)];
    expect(() => splitUnderLimit(messages, limits({ small: 1000 }))).toThrow(RecordTooLargeError);
    expect(() => splitUnderLimit(messages, limits({ small: 1000 }))).toThrow(/topic 'small' is \d+ bytes/);
  });

  it('counts headers in both shapes', () => {
    const plain = message('a', 10);
    expect(estimatedRecordBytes({ ...plain, headers: new Map([['h', Buffer.alloc(100)]]) })).toBe(
      estimatedRecordBytes(plain) + 10 + 1 + 100,
    );
    expect(estimatedRecordBytes({ ...plain, headers: { hh: Buffer.alloc(5) } })).toBe(
      estimatedRecordBytes(plain) + 10 + 2 + 5,
    );
  });
});

describe('TopicMessageSizeLimits', () => {
  it("reads each topic's max.message.bytes once", async () => {
    const asked: string[][] = [];
    const admin = {
      listTopics: async () => ['a', 'b'],
      describeConfigs: async ({ resources }: { resources: { resourceName: string }[] }) => {
        asked.push(resources.map((r) => r.resourceName));
        return resources.map((r) => ({
          resourceName: r.resourceName,
          configs: [{ name: 'max.message.bytes', value: r.resourceName === 'a' ? '5000' : '2000000' }],
        }));
      },
    } as unknown as Admin;
    const sizes = new TopicMessageSizeLimits(() => admin, pino({ level: 'silent' }));
    await sizes.load(['a', 'b', 'a']);
    await sizes.load(['a', 'b']);
    expect(asked).toEqual([['a', 'b']]);
    expect(sizes.limitOf('a')).toBe(5000);
    expect(sizes.limitOf('b')).toBe(2_000_000);
  });

  it('describes only topics that exist: a topic not created yet costs no failed DescribeConfigs', async () => {
    // As the broker: one unknown topic fails the whole request (which the client retries for
    // about a second before it gives up, holding the task's first send back).
    let existing = ['small'];
    const asked: string[][] = [];
    const admin = {
      listTopics: async () => [...existing],
      describeConfigs: async ({ resources }: { resources: { resourceName: string }[] }) => {
        const names = resources.map((r) => r.resourceName);
        asked.push(names);
        if (names.some((n) => !existing.includes(n)))
          throw new Error('This server does not host this topic-partition.');
        return names.map((resourceName) => ({
          resourceName,
          configs: [{ name: 'max.message.bytes', value: resourceName === 'small' ? '4096' : '3000000' }],
        }));
      },
    } as unknown as Admin;
    const sizes = new TopicMessageSizeLimits(() => admin, pino({ level: 'silent' }));
    await sizes.load(['new', 'small']);
    expect(asked).toEqual([['small']]);
    expect(sizes.limitOf('small')).toBe(4096);
    expect(sizes.limitOf('new')).toBe(MAX_REQUEST_BYTES);
    // The first send created it: the next load reads its limit at once, not after a back-off.
    existing = ['small', 'new'];
    await sizes.load(['new', 'small']);
    expect(asked).toEqual([['small'], ['new']]);
    expect(sizes.limitOf('new')).toBe(3_000_000);
  });

  it("falls back to the default when the topics' configs cannot be read", async () => {
    const sizes = new TopicMessageSizeLimits(
      () => {
        throw new Error('no admin here');
      },
      pino({ level: 'silent' }),
    );
    await sizes.load(['a']);
    expect(sizes.limitOf('a')).toBe(MAX_REQUEST_BYTES);
  });
});
