import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../../../api/records.js';
import { SchemaBuilder, Schemas, Struct } from '../../../data/index.js';
import { DeleteDecider } from './delete-markers.js';
import { type JdbcSinkConfig, parseJdbcSinkConfig } from './jdbc-sink-config.js';

const warnings: [Record<string, unknown>, string][] = [];
const log = { warn: (o: Record<string, unknown>, m: string) => warnings.push([o, m]) } as unknown as Logger;

let offset = 0n;
const rec = (value: unknown): SinkRecord => ({
  topic: 't',
  kafkaPartition: 0,
  kafkaOffset: offset++,
  keySchema: undefined,
  key: null,
  valueSchema: value instanceof Struct ? value.schema : undefined,
  value,
  timestamp: undefined,
  headers: [],
});
const config = (props: Record<string, string>): JdbcSinkConfig =>
  parseJdbcSinkConfig({ 'connection.url': 'jdbc:sqlite::memory:', ...props });

describe('DeleteDecider', () => {
  const marked = SchemaBuilder.struct()
    .field('id', Schemas.INT32)
    .field('__deleted', Schemas.OPTIONAL_STRING)
    .build();

  it('reads __deleted and op markers from Structs, Maps and objects, case-insensitively', () => {
    const d = new DeleteDecider(
      config({ 'pk.mode': 'record_value', 'delete.marker.fields': '__deleted,op' }),
      log,
    );
    expect(d.decide(rec(new Struct(marked).put('id', 1).put('__deleted', 'TRUE')))).toBe('delete');
    expect(d.decide(rec(new Struct(marked).put('id', 1).put('__deleted', 'false')))).toBe('write');
    expect(d.decide(rec(new Map<string, unknown>([['op', 'd']])))).toBe('delete');
    expect(d.decide(rec({ __deleted: true }))).toBe('delete');
    expect(d.decide(rec({ op: 'u' }))).toBe('write');
  });

  it('without marker fields only tombstones delete; marker-looking fields are data', () => {
    const d = new DeleteDecider(config({ 'pk.mode': 'record_key', 'delete.enabled': 'true' }), log);
    expect(d.decide(rec({ __deleted: 'true' }))).toBe('write');
    expect(d.decide(rec(null))).toBe('delete');
  });

  it('drops with a WARN naming the record and the reason: tombstones without delete.enabled, markers under pk.mode=kafka', () => {
    warnings.length = 0;
    const d = new DeleteDecider(config({ 'pk.mode': 'kafka', 'delete.marker.fields': '__deleted' }), log);
    const tombstone = rec(null);
    expect(d.decide(tombstone)).toBe('drop');
    expect(d.decide(rec({ __deleted: 'true' }))).toBe('drop');
    expect(d.dropped).toBe(2);
    expect(warnings.map(([o, m]) => [o.offset, m])).toEqual([
      [String(tombstone.kafkaOffset), 'tombstone record dropped: delete.enabled is false'],
      [
        String(tombstone.kafkaOffset + 1n),
        'delete marker record dropped: pk.mode is kafka, which cannot name the row to delete',
      ],
    ]);
  });

  it('rate-limits the WARN lines but counts every drop', () => {
    warnings.length = 0;
    const d = new DeleteDecider(config({}), log);
    for (let i = 0; i < 100; i++) d.decide(rec(null));
    expect(d.dropped).toBe(100);
    expect(warnings.length).toBe(20);
  });
});

describe('delete marker and evolution config', () => {
  it('parses the keys, with defaults that keep Confluent behaviour', () => {
    expect(config({})).toMatchObject({
      deleteMarkerFields: [],
      deleteMarkerValues: ['true', 'd'],
      unknownFields: 'fail',
      topicTables: new Map(),
    });
    expect(config({ 'auto.evolve': 'true' }).unknownFields).toBe('add');
    expect(config({ 'schema.evolution.unknown.fields': 'IGNORE' }).unknownFields).toBe('ignore');
    expect(config({ 'topics.to.tables.mapping': 'a.b:x.y, c:z' }).topicTables).toEqual(
      new Map([
        ['a.b', 'x.y'],
        ['c', 'z'],
      ]),
    );
  });

  it('rejects add without auto.evolve and broken mappings', () => {
    expect(() => config({ 'schema.evolution.unknown.fields': 'add' })).toThrow(/needs auto.evolve=true/);
    expect(() => config({ 'topics.to.tables.mapping': 'nocolon' })).toThrow(
      /Invalid topic:table pair 'nocolon'/,
    );
    expect(() => config({ 'topics.to.tables.mapping': 'a:x,a:y' })).toThrow(/mapped twice/);
    expect(() => config({ 'schema.evolution.unknown.fields': 'drop' })).toThrow(
      /schema.evolution.unknown.fields/,
    );
  });
});
