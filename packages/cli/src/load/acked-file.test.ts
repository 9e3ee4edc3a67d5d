import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AckedFileError,
  AckedFileWriter,
  parseAckedLines,
  type RunHeader,
  readAckedFile,
} from './acked-file.js';

const dir = mkdtempSync(join(tmpdir(), 'msa-acked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header: RunHeader = {
  type: 'run',
  runId: 'load-x',
  gatewayUrl: 'http://127.0.0.1:8000',
  ratePerSecond: 10,
  durationMs: 1000,
  concurrency: 2,
  users: ['u1', 'u2'],
  products: [{ productId: 'P1', stockAtStart: 100 }],
  startedAt: 1000,
};

describe('acked file', () => {
  it('writes JSON lines that read back as the same run, flushed when close resolves', async () => {
    const path = join(dir, 'nested', 'run.jsonl');
    const writer = await AckedFileWriter.open(path);
    writer.write(header);
    for (let i = 0; i < 5000; i++) {
      writer.write({
        type: 'acked',
        orderId: `o${i}`,
        userId: 'u1',
        productId: 'P1',
        qty: 1,
        ackedAt: 2000 + i,
        latencyMs: 3,
      });
    }
    writer.write({ type: 'uncertain', userId: 'u2', productId: 'P1', qty: 1, at: 3000, error: 'timeout' });
    writer.write({ type: 'visible', orderId: 'o1', visibleAt: 2050 });
    await writer.close();

    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5004);
    const run = await readAckedFile(path);
    expect(run.header).toEqual(header);
    expect(run.acked).toHaveLength(5000);
    expect(run.acked[4999]?.orderId).toBe('o4999');
    expect(run.uncertain).toEqual([
      { type: 'uncertain', userId: 'u2', productId: 'P1', qty: 1, at: 3000, error: 'timeout' },
    ]);
    expect(run.visible.get('o1')).toBe(2050);
  });

  it('refuses a file without header, with two headers, or with a broken line in the middle', () => {
    const acked = JSON.stringify({ type: 'acked', orderId: 'o1' });
    expect(() => parseAckedLines(acked)).toThrow(AckedFileError);
    expect(() => parseAckedLines(`${JSON.stringify(header)}\n${JSON.stringify(header)}`)).toThrow(
      /second run header/,
    );
    expect(() => parseAckedLines(`${JSON.stringify(header)}\n{oops\n${acked}\n`)).toThrow(/:2: not a JSON/);
  });

  it('tolerates a torn last line (a run killed mid-write)', () => {
    const run = parseAckedLines(
      `${JSON.stringify(header)}\n${JSON.stringify({ type: 'acked', orderId: 'o1' })}\n{"type":"ack`,
    );
    expect(run.acked.map((a) => a.orderId)).toEqual(['o1']);
  });

  it('says which file cannot be read', async () => {
    await expect(readAckedFile(join(dir, 'missing.jsonl'))).rejects.toThrow(/Cannot read .*missing\.jsonl/);
  });
});
