import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FileOffsetBackingStore } from './file-offset-store.js';

const logger = pino({ level: 'silent' });
const fresh = () => join(mkdtempSync(join(tmpdir(), 'msa-offsets-')), 'connect.offsets');

describe('FileOffsetBackingStore (offset.storage.file.filename)', () => {
  it('starts empty without a file, and a new store reads back what an older one wrote', async () => {
    const file = fresh();
    const first = new FileOffsetBackingStore({ file, logger });
    await first.start();
    expect(first.list('src')).toEqual([]);
    await first.set('src', [{ partition: { filename: '/a', n: 1 }, offset: { position: 10 } }]);
    await first.set('other', [{ partition: { table: 't' }, offset: { id: 3 } }]);
    await first.set('src', [{ partition: { n: 1, filename: '/a' }, offset: { position: 25 } }]);
    await first.stop();

    const second = new FileOffsetBackingStore({ file, logger });
    await second.start();
    // Found by partition content, whatever the key order.
    expect(second.get('src', { filename: '/a', n: 1 })).toEqual({ position: 25 });
    expect(second.list('src')).toEqual([{ partition: { filename: '/a', n: 1 }, offset: { position: 25 } }]);
    expect(second.get('other', { table: 't' })).toEqual({ id: 3 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      format: 'msa-sync-connect-offsets',
      version: 1,
      offsets: [
        { key: ['src', { filename: '/a', n: 1 }], value: { position: 25 } },
        { key: ['other', { table: 't' }], value: { id: 3 } },
      ],
    });
  });

  it('forgets a partition whose offset is set to null (a reset), in the file too', async () => {
    const file = fresh();
    const store = new FileOffsetBackingStore({ file, logger });
    await store.start();
    await store.set('src', [{ partition: { p: 1 }, offset: { o: 1 } }]);
    await store.set('src', [{ partition: { p: 1 }, offset: null }]);
    const reread = new FileOffsetBackingStore({ file, logger });
    await reread.start();
    expect(reread.list('src')).toEqual([]);
  });

  it('ends with the last write when writes overlap, and leaves no temporary file', async () => {
    const file = fresh();
    const store = new FileOffsetBackingStore({ file, logger });
    await store.start();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.set('src', [{ partition: { p: 1 }, offset: { o: i } }])),
    );
    await store.stop();
    const reread = new FileOffsetBackingStore({ file, logger });
    await reread.start();
    expect(reread.get('src', { p: 1 })).toEqual({ o: 19 });
    expect(readdirSync(join(file, '..'))).toEqual(['connect.offsets']);
  });

  it('refuses a file it cannot read as its own format, naming the file, rather than restart sources', async () => {
    const file = fresh();
    // What Apache's FileOffsetBackingStore writes: a Java-serialized HashMap (magic 0xACED).
    writeFileSync(file, Buffer.from([0xac, 0xed, 0x00, 0x05, 0x73, 0x72]));
    await expect(new FileOffsetBackingStore({ file, logger }).start()).rejects.toThrow(
      new RegExp(`Offset file ${file} is not JSON.*Java-serialized`),
    );
    writeFileSync(file, '{"offsets": []}');
    await expect(new FileOffsetBackingStore({ file, logger }).start()).rejects.toThrow(
      /is not an msa-sync offset file/,
    );
    writeFileSync(
      file,
      '{"format":"msa-sync-connect-offsets","version":1,"offsets":[{"key":"x","value":{}}]}',
    );
    await expect(new FileOffsetBackingStore({ file, logger }).start()).rejects.toThrow(
      /has an entry that is not/,
    );
    writeFileSync(file, '{"format":"msa-sync-connect-offsets","version":2,"offsets":[]}');
    await expect(new FileOffsetBackingStore({ file, logger }).start()).rejects.toThrow(/version 2/);
    expect(existsSync(file)).toBe(true);
  });

  it('fails a write it cannot make, so the task retries and keeps its offsets pending', async () => {
    const store = new FileOffsetBackingStore({ file: '/nonexistent-dir/x/connect.offsets', logger });
    await store.start();
    await expect(store.set('src', [{ partition: { p: 1 }, offset: { o: 1 } }])).rejects.toThrow(/ENOENT/);
    // A failed write does not block the next one.
    await expect(store.set('src', [{ partition: { p: 1 }, offset: { o: 2 } }])).rejects.toThrow(/ENOENT/);
  });
});
