import { dialectFor } from '@msa-sync/sql';
import { describe, expect, it } from 'vitest';
import { isoTimestamp, SqlVocabulary } from './sql-vocabulary.js';

describe('SqlVocabulary', () => {
  it('writes an upsert each database understands, quoting every name', () => {
    const columns = ['order_id', 'status', 'reason'];
    expect(new SqlVocabulary(dialectFor('mariadb')).upsert('order_status', ['order_id'], columns)).toBe(
      'INSERT INTO `order_status`(`order_id`,`status`,`reason`) VALUES (?,?,?) ON DUPLICATE KEY UPDATE `status`=VALUES(`status`),`reason`=VALUES(`reason`)',
    );
    expect(new SqlVocabulary(dialectFor('postgres')).upsert('order_status', ['order_id'], columns)).toBe(
      'INSERT INTO "order_status"("order_id","status","reason") VALUES ($1,$2,$3) ON CONFLICT ("order_id") DO UPDATE SET "status"=EXCLUDED."status","reason"=EXCLUDED."reason"',
    );
    expect(new SqlVocabulary(dialectFor('sqlite')).upsert('order_status', ['order_id'], columns)).toBe(
      'INSERT INTO "order_status"("order_id","status","reason") VALUES (?,?,?) ON CONFLICT ("order_id") DO UPDATE SET "status"=excluded."status","reason"=excluded."reason"',
    );
  });

  it('writes a multi-row upsert with the placeholders numbered row after row', () => {
    const columns = ['order_id', 'status'];
    expect(new SqlVocabulary(dialectFor('postgres')).upsert('order_status', ['order_id'], columns, 2)).toBe(
      'INSERT INTO "order_status"("order_id","status") VALUES ($1,$2),($3,$4) ON CONFLICT ("order_id") DO UPDATE SET "status"=EXCLUDED."status"',
    );
    expect(new SqlVocabulary(dialectFor('mariadb')).upsert('order_status', ['order_id'], columns, 2)).toBe(
      'INSERT INTO `order_status`(`order_id`,`status`) VALUES (?,?),(?,?) ON DUPLICATE KEY UPDATE `status`=VALUES(`status`)',
    );
  });

  it('quotes hostile names so they stay names', () => {
    expect(new SqlVocabulary(dialectFor('mariadb')).id('a`; DROP TABLE x; --')).toBe(
      '`a``; DROP TABLE x; --`',
    );
    expect(new SqlVocabulary(dialectFor('postgres')).id('a"b')).toBe('"a""b"');
  });

  it('reads timestamps from every driver as ISO-8601 UTC', () => {
    expect(isoTimestamp(new Date('2026-11-25T10:00:00.123Z'))).toBe('2026-11-25T10:00:00.123Z');
    expect(isoTimestamp('2026-11-25T10:00:00.123Z')).toBe('2026-11-25T10:00:00.123Z');
    expect(isoTimestamp('2026-11-25 10:00:00')).toBe('2026-11-25T10:00:00.000Z');
    expect(isoTimestamp(null)).toBeNull();
  });
});
