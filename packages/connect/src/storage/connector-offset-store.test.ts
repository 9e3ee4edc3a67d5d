import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConnectorOffsetBackingStore, type OffsetEntry } from './connector-offset-store.js';
import { type KafkaOffsetBackingStore, offsetKey } from './offset-store.js';

/** An offsets topic in memory, recording writes. */
function fakeStore(topic: string, log: string[], failWrites = false) {
  const offsets = new Map<string, OffsetEntry & { connector: string }>();
  const store = {
    topic,
    refresh: async () => {},
    stop: async () => {
      log.push(`${topic} stopped`);
    },
    get: (connector: string, partition: Record<string, unknown>) =>
      offsets.get(offsetKey(connector, partition))?.offset ?? null,
    list: (connector: string) =>
      [...offsets.values()]
        .filter((e) => e.connector === connector)
        .map(({ partition, offset }) => ({ partition, offset })),
    set: async (connector: string, entries: OffsetEntry[]) => {
      log.push(`${topic} ${entries.map((e) => JSON.stringify(e.offset)).join(' ')}`);
      if (failWrites) throw new Error(`${topic} unavailable`);
      for (const e of entries) {
        if (e.offset === null) offsets.delete(offsetKey(connector, e.partition));
        else offsets.set(offsetKey(connector, e.partition), { connector, ...e });
      }
    },
  };
  return store as unknown as KafkaOffsetBackingStore;
}

const a = { table: 'a' };
const b = { table: 'b' };

describe("ConnectorOffsetBackingStore (Apache's, for offsets.storage.topic)", () => {
  it("reads the connector's own topic first, the worker's as fallback, and lists both", async () => {
    const log: string[] = [];
    const worker = fakeStore('connect-offsets', log);
    const own = fakeStore('my-offsets', log);
    await worker.set('c', [
      { partition: a, offset: { id: 1 } },
      { partition: b, offset: { id: 7 } },
    ]);
    await own.set('c', [{ partition: a, offset: { id: 5 } }]);
    const store = new ConnectorOffsetBackingStore({ worker, own, logger: pino({ level: 'silent' }) });
    expect(store.primaryTopic).toBe('my-offsets');
    expect(store.get('c', a)).toEqual({ id: 5 });
    expect(store.get('c', b)).toEqual({ id: 7 });
    expect(store.list('c')).toEqual([
      { partition: a, offset: { id: 5 } },
      { partition: b, offset: { id: 7 } },
    ]);
    await store.close();
    expect(log.at(-1)).toBe('my-offsets stopped');
  });

  it("writes its own topic, then copies to the worker's; removals reach the worker's topic first", async () => {
    const log: string[] = [];
    const store = new ConnectorOffsetBackingStore({
      worker: fakeStore('connect-offsets', log),
      own: fakeStore('my-offsets', log),
      logger: pino({ level: 'silent' }),
    });
    await store.set('c', [{ partition: a, offset: { id: 1 } }]);
    await store.set('c', [
      { partition: a, offset: null },
      { partition: b, offset: { id: 2 } },
    ]);
    expect(log).toEqual([
      'my-offsets {"id":1}',
      'connect-offsets {"id":1}',
      'connect-offsets null',
      'my-offsets null {"id":2}',
      'connect-offsets {"id":2}',
    ]);
    expect(store.list('c')).toEqual([{ partition: b, offset: { id: 2 } }]);
  });

  it("a failed copy to the worker's topic is only logged; the primary write's failure is the caller's", async () => {
    const log: string[] = [];
    const ok = new ConnectorOffsetBackingStore({
      worker: fakeStore('connect-offsets', log, true),
      own: fakeStore('my-offsets', log),
      logger: pino({ level: 'silent' }),
    });
    await expect(ok.set('c', [{ partition: a, offset: { id: 1 } }])).resolves.toBeUndefined();
    await expect(ok.copyToWorkerTopic('c', [{ partition: a, offset: { id: 2 } }])).resolves.toBeUndefined();
    const failing = new ConnectorOffsetBackingStore({
      worker: fakeStore('connect-offsets', log),
      own: fakeStore('my-offsets', log, true),
      logger: pino({ level: 'silent' }),
    });
    await expect(failing.set('c', [{ partition: a, offset: { id: 1 } }])).rejects.toThrow(
      'my-offsets unavailable',
    );
  });

  it("without a topic of its own it is the worker's store", async () => {
    const log: string[] = [];
    const store = new ConnectorOffsetBackingStore({
      worker: fakeStore('connect-offsets', log),
      logger: pino({ level: 'silent' }),
    });
    expect(store.primaryTopic).toBe('connect-offsets');
    await store.set('c', [{ partition: a, offset: { id: 1 } }]);
    await store.copyToWorkerTopic('c', [{ partition: a, offset: { id: 1 } }]);
    await store.close();
    expect(log).toEqual(['connect-offsets {"id":1}']);
  });
});
