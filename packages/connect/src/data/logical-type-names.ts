/** Schema names that mark Connect's logical types; a schema carrying one holds that kind of value. */
export const DECIMAL_LOGICAL_NAME = 'org.apache.kafka.connect.data.Decimal';
export const DATE_LOGICAL_NAME = 'org.apache.kafka.connect.data.Date';
export const TIME_LOGICAL_NAME = 'org.apache.kafka.connect.data.Time';
export const TIMESTAMP_LOGICAL_NAME = 'org.apache.kafka.connect.data.Timestamp';

export type LogicalKind = 'decimal' | 'date' | 'time' | 'timestamp';

/** The logical type a schema name stands for, if any. */
export function logicalKindOf(name: string | undefined): LogicalKind | undefined {
  switch (name) {
    case DECIMAL_LOGICAL_NAME:
      return 'decimal';
    case DATE_LOGICAL_NAME:
      return 'date';
    case TIME_LOGICAL_NAME:
      return 'time';
    case TIMESTAMP_LOGICAL_NAME:
      return 'timestamp';
    default:
      return undefined;
  }
}
