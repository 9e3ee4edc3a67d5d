import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { topicCreationGroups } from '../config/topic-creation-config.js';
import { type TopicAdmin, TopicCreator } from './topic-creation.js';

const groups = topicCreationGroups({
  'topic.creation.groups': 'compacted',
  'topic.creation.default.replication.factor': '-1',
  'topic.creation.default.partitions': '1',
  'topic.creation.compacted.include': 'state-.*',
  'topic.creation.compacted.partitions': '3',
  'topic.creation.compacted.cleanup.policy': 'compact',
});

function fakeAdmin(existing: string[], failWith?: Error) {
  const created: unknown[] = [];
  let lists = 0;
  const admin = {
    listTopics: async () => {
      lists++;
      return [...existing];
    },
    createTopics: async (options: unknown) => {
      if (failWith) throw failWith;
      created.push(options);
      return [];
    },
    metadata: async () => ({}),
  } as unknown as TopicAdmin;
  return { admin, created, lists: () => lists };
}

describe('TopicCreator (maybeCreateTopic)', () => {
  it('creates each missing topic once, from its group; existing topics are left alone', async () => {
    const { admin, created, lists } = fakeAdmin(['events']);
    const creator = new TopicCreator(admin, groups, pino({ level: 'silent' }));
    await creator.ensure(['state-users', 'events', 'state-users', 'other']);
    expect(created).toEqual([
      {
        topics: ['state-users'],
        partitions: 3,
        replicas: -1,
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      },
      { topics: ['other'], partitions: 1, replicas: -1, configs: [] },
    ]);
    await creator.ensure(['state-users', 'events', 'other']);
    expect(lists()).toBe(1);
    expect(created).toHaveLength(2);
  });

  it('a topic created meanwhile by someone else counts as existing; another failure fails the task', async () => {
    const exists = Object.assign(new Error('exists'), { apiId: 'TOPIC_ALREADY_EXISTS' });
    await new TopicCreator(fakeAdmin([], exists).admin, groups, pino({ level: 'silent' })).ensure(['x']);
    const denied = Object.assign(new Error('denied'), { apiId: 'TOPIC_AUTHORIZATION_FAILED' });
    await expect(
      new TopicCreator(fakeAdmin([], denied).admin, groups, pino({ level: 'silent' })).ensure(['x']),
    ).rejects.toThrow(
      /^Task failed to create new topic x \(group default\): denied\. Ensure that the task is authorized/,
    );
  });
});
