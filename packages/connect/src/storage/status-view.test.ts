import { describe, expect, it } from 'vitest';
import type { Status } from './status-backing-store.js';
import { StatusView } from './status-view.js';

const running: Status = { state: 'RUNNING', trace: null, worker_id: 'w:1', generation: 1 };

describe('StatusView', () => {
  it('keeps, forgets and removes connector, task and topic states', () => {
    const view = new StatusView();
    view.setConnector('c', running);
    view.setTask('c', 0, running);
    view.setTask('c', 1, { ...running, state: 'FAILED' });
    view.setTopic('c', 'b', true);
    view.setTopic('c', 'a', true);
    expect(view.connector('c')).toEqual(running);
    expect([...view.tasks('c').keys()]).toEqual([0, 1]);
    expect(view.activeTopics('c')).toEqual(['a', 'b']);
    expect(view.hasTopic('c', 'a')).toBe(true);

    view.setTask('c', 1, null);
    view.setTopic('c', 'a', false);
    expect([...view.tasks('c').keys()]).toEqual([0]);
    expect(view.activeTopics('c')).toEqual(['b']);

    view.remove('c');
    expect(view.connector('c')).toBeUndefined();
    expect(view.tasks('c').size).toBe(0);
    // Topics outlive the connector's removal, as in Connect; they are reset on their own.
    expect(view.activeTopics('c')).toEqual(['b']);
    view.clearTopics('c');
    expect(view.activeTopics('c')).toEqual([]);
  });
});
