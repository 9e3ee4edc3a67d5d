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
