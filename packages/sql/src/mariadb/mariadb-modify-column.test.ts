import { describe, expect, it } from 'vitest';
import { modifyColumnSql } from './mariadb-modify-column.js';

const column = {
  columnType: 'int(11)',
  nullable: false,
  defaultExpression: null,
  extra: '',
  comment: '',
};

describe('modifyColumnSql', () => {
  it('restates nullability, default, AUTO_INCREMENT, UNSIGNED and the comment', () => {
    expect(
      modifyColumnSql('`t`', '`id`', 'id', 'BIGINT', {
        ...column,
        extra: 'auto_increment',
        comment: "it's \\ id",
      }),
    ).toBe("ALTER TABLE `t` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT COMMENT 'it''s \\\\ id'");
    expect(
      modifyColumnSql('`t`', '`a`', 'a', 'BIGINT', {
        ...column,
        columnType: 'int(10) unsigned',
        nullable: true,
        defaultExpression: '5',
      }),
    ).toBe('ALTER TABLE `t` MODIFY COLUMN `a` BIGINT UNSIGNED NULL DEFAULT 5');
    expect(
      modifyColumnSql('`t`', '`a`', 'a', 'DOUBLE', { ...column, nullable: true, defaultExpression: 'NULL' }),
    ).toBe('ALTER TABLE `t` MODIFY COLUMN `a` DOUBLE NULL');
  });

  it.each(['VIRTUAL GENERATED', 'STORED GENERATED', 'INVISIBLE', 'on update current_timestamp()'])(
    'refuses a column with EXTRA %j, which MODIFY would lose',
    (extra) => {
      expect(() => modifyColumnSql('`t`', '`g`', 'g', 'BIGINT', { ...column, extra })).toThrow(
        /Cannot widen column 'g' to BIGINT without losing its definition/,
      );
    },
  );
});
