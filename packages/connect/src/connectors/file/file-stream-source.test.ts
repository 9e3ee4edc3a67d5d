import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceTask } from '../../api/connector.js';
import { fileStreamSourcePlugin } from './file-stream-source.js';

describe('FileStreamSource task', () => {
  it('reads multi-byte lines that straddle its 64 KiB read chunks, with byte positions as offsets', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fss-')), 'in.txt');
    // 3-byte characters: chunk boundaries fall inside some of them.
    const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${'가나다라마'.repeat(10)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const task = fileStreamSourcePlugin.createTask() as SourceTask;
    await task.start(
      { file, topic: 't', 'batch.size': '100000' },
      { connector: 'c', taskId: 0, offsetStorageReader: { offset: () => null } },
    );
    const signal = new AbortController().signal;
    const records = [];
    for (let polls = 0; polls < 10 && records.length < lines.length; polls++) {
      records.push(...((await task.poll(signal)) ?? []));
    }
    expect(records.map((r) => r.value)).toEqual(lines);
    expect(records.at(-1)?.sourceOffset).toEqual({ position: Buffer.byteLength(`${lines.join('\n')}\n`) });
    await task.stop();
  });
});

describe('FileStreamSource offsets check', () => {
  const alter = (offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[]) =>
    fileStreamSourcePlugin.alterOffsets?.({ file: '/tmp/in.txt', topic: 't' }, offsets);

  it('accepts a filename partition with a non-negative position, or a null offset', () => {
    expect(() =>
      alter([
        { partition: { filename: '/tmp/in.txt' }, offset: { position: 0 } },
        { partition: { filename: '/tmp/in.txt' }, offset: { position: 120 } },
        { partition: { filename: '/tmp/other.txt' }, offset: null },
      ]),
    ).not.toThrow();
  });

  it.each([
    [{ file: '/tmp/in.txt' }, { position: 1 }, "must contain the key 'filename'"],
    [{ filename: 5 }, { position: 1 }, "must contain the key 'filename'"],
    [{ filename: '/tmp/in.txt' }, { offset: 1 }, "contain the key 'position'"],
    [{ filename: '/tmp/in.txt' }, { position: 'abc' }, 'expected to be a Long value'],
    [{ filename: '/tmp/in.txt' }, { position: 1.5 }, 'expected to be a Long value'],
    [{ filename: '/tmp/in.txt' }, { position: null }, 'expected to be a Long value'],
    [{ filename: '/tmp/in.txt' }, { position: -1 }, 'should be a non-negative value'],
  ])('rejects partition %j offset %j with a 400', (partition, offset, message) => {
    let caught: unknown;
    try {
      alter([{ partition, offset }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ httpStatus: 400 });
    expect((caught as Error).message).toContain(message);
  });
});
