import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertClientPatched, clientPatchProblems, installedClientRoot } from './client-patch-check.js';

const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the installed client's package.json and the patched files, to spoil. */
function copyOfClient(): string {
  const root = installedClientRoot();
  const copy = mkdtempSync(join(tmpdir(), 'client-patch-'));
  copies.push(copy);
  for (const file of [
    'package.json',
    'dist/clients/consumer/consumer.js',
    'dist/network/connection-pool.js',
    'dist/clients/producer/producer.js',
  ]) {
    cpSync(join(root, file), join(copy, file), { recursive: true });
  }
  return copy;
}

describe('the Kafka client patch check', () => {
  it('passes on this install (patch-package ran)', () => {
    expect(clientPatchProblems(installedClientRoot())).toEqual([]);
    expect(() => assertClientPatched()).not.toThrow();
  });

  it('names each patch that is missing', () => {
    const copy = copyOfClient();
    const pool = join(copy, 'dist/network/connection-pool.js');
    writeFileSync(pool, readFileSync(pool, 'utf8').replaceAll('msa-sync patch', 'upstream code'));
    expect(clientPatchProblems(copy)).toEqual([
      expect.stringContaining("dist/network/connection-pool.js is not applied: the connection pool's error"),
      expect.stringContaining(
        "dist/network/connection-pool.js is not applied: the connection pool's missing",
      ),
    ]);
  });

  it('names the producer patch when it is missing', () => {
    const copy = copyOfClient();
    const producer = join(copy, 'dist/clients/producer/producer.js');
    writeFileSync(producer, readFileSync(producer, 'utf8').replaceAll('msa-sync patch', 'upstream code'));
    expect(clientPatchProblems(copy)).toEqual([
      expect.stringContaining('dist/clients/producer/producer.js is not applied: the transactional producer'),
      expect.stringContaining(
        'dist/clients/producer/producer.js is not applied: the transaction coordinator',
      ),
    ]);
  });

  it('stops the first client with the fix when a patch is missing (an --ignore-scripts install)', () => {
    const copy = copyOfClient();
    const consumer = join(copy, 'dist/clients/consumer/consumer.js');
    writeFileSync(consumer, readFileSync(consumer, 'utf8').replaceAll('msa-sync patch', 'upstream code'));
    expect(() => assertClientPatched(copy)).toThrow(
      /not the one msa-sync was tested with: the patch to dist\/clients\/consumer\/consumer\.js is not applied.*Run `npm ci` \(without --ignore-scripts\)/,
    );
  });

  it('refuses another client version', () => {
    const copy = copyOfClient();
    const manifest = join(copy, 'package.json');
    writeFileSync(
      manifest,
      JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), version: '1.36.0' }),
    );
    expect(clientPatchProblems(copy)).toEqual([
      expect.stringContaining('@platformatic/kafka 1.36.0 is installed'),
    ]);
  });
});
