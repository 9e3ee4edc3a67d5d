import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../api/records.js';
import { validateConnectorConfig } from '../config/connector-config.js';
import {
  buildTransformationChain,
  TransformConfigError,
  transformationClassOf,
} from './transformation-chain.js';

const T = 'org.apache.kafka.connect.transforms';

function record(topic: string, value: unknown, headers: string[] = []): SinkRecord {
  return {
    topic,
    kafkaPartition: 0,
    kafkaOffset: 5n,
    keySchema: undefined,
    key: null,
    valueSchema: undefined,
    value,
    timestamp: 1_700_000_000_000,
    headers: headers.map((key) => ({ key, value: Buffer.from('x') })),
  };
}

describe('TransformationChain', () => {
  it('applies stages in order, each seeing the previous output; fields it does not know travel on', () => {
    const chain = buildTransformationChain({
      transforms: 'a, b',
      'transforms.a.type': `${T}.RegexRouter`,
      'transforms.a.regex': 'orders',
      'transforms.a.replacement': 'orders-routed',
      'transforms.b.type': `${T}.RegexRouter`,
      'transforms.b.regex': '(.*)-routed',
      'transforms.b.replacement': '$1-twice',
    });
    const out = chain.apply(record('orders', new Map([['id', 1]])));
    expect(out?.topic).toBe('orders-twice');
    expect(out?.kafkaOffset).toBe(5n);
  });

  it('runs a stage only when its predicate matches, or does not when negated', () => {
    const config = (negate: boolean) => ({
      transforms: 'drop',
      'transforms.drop.type': `${T}.Filter`,
      'transforms.drop.predicate': 'marked',
      ...(negate ? { 'transforms.drop.negate': 'true' } : {}),
      predicates: 'marked',
      'predicates.marked.type': `${T}.predicates.HasHeaderKey`,
      'predicates.marked.name': 'skip',
    });
    const plain = buildTransformationChain(config(false));
    expect(plain.apply(record('t', 1, ['skip']))).toBeNull();
    expect(plain.apply(record('t', 1))).not.toBeNull();
    const negated = buildTransformationChain(config(true));
    expect(negated.apply(record('t', 1, ['skip']))).not.toBeNull();
    expect(negated.apply(record('t', 1))).toBeNull();
  });

  it("names the failing transformation's class on its error", () => {
    const chain = buildTransformationChain({
      transforms: 'route,mask',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.route.regex': 'x',
      'transforms.route.replacement': 'y',
      'transforms.mask.type': `${T}.MaskField$Value`,
      'transforms.mask.fields': 'email',
    });
    let caught: unknown;
    try {
      chain.apply(record('t', 'not a map'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(transformationClassOf(caught)).toBe(`${T}.MaskField$Value`);
  });

  it('refuses an unknown class, a missing predicate type and negate without predicate, naming the key', () => {
    const attempt = (config: Record<string, string>) => {
      try {
        buildTransformationChain(config);
      } catch (error) {
        return error as TransformConfigError;
      }
      throw new Error('no error');
    };
    const unknown = attempt({ transforms: 'x', 'transforms.x.type': 'com.example.Nope' });
    expect(unknown).toBeInstanceOf(TransformConfigError);
    expect(unknown.key).toBe('transforms.x.type');
    expect(unknown.message).toBe(
      'Invalid value com.example.Nope for configuration transforms.x.type: Class com.example.Nope could not be found.',
    );
    const noPredicate = attempt({
      transforms: 'x',
      'transforms.x.type': `${T}.Filter`,
      'transforms.x.predicate': 'p',
    });
    expect(noPredicate.key).toBe('predicates.p.type');
    const negate = attempt({
      transforms: 'x',
      'transforms.x.type': `${T}.Filter`,
      'transforms.x.negate': 'true',
    });
    expect(negate.message).toContain("there is no config 'transforms.x.predicate'");
  });
});

describe('validating transforms in a connector config', () => {
  const validate = (props: Record<string, string>) =>
    validateConnectorConfig({
      props: { 'connector.class': 'FileStreamSink', topics: 't', name: 'n', ...props },
      type: 'sink',
    });
  const errorsOf = (props: Record<string, string>) =>
    Object.fromEntries(
      validate(props)
        .configs.filter((c) => c.value.errors.length > 0)
        .map((c) => [c.value.name, c.value.errors]),
    );

  it("adds each alias's keys under 'Transforms: <alias>', in Connect's order", () => {
    const infos = validate({
      transforms: 'route',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.route.regex': 'a',
      'transforms.route.replacement': 'b',
    });
    expect(infos.error_count).toBe(0);
    expect(infos.groups).toContain('Transforms: route');
    const keys = infos.configs
      .filter((c) => c.definition.group === 'Transforms: route')
      .map((c) => [c.definition.name, c.definition.order_in_group]);
    expect(keys).toEqual([
      // Apache 4.x: type, plugin.version, then the plugin's keys with predicate and negate in Java's
      // ConfigDef order (keys without a default first, then by importance and name).
      ['transforms.route.type', 0],
      ['transforms.route.plugin.version', 1],
      ['transforms.route.regex', 2],
      ['transforms.route.replacement', 3],
      ['transforms.route.negate', 4],
      ['transforms.route.predicate', 5],
    ]);
  });

  it("takes the installed version as a transformation's plugin.version and refuses another", () => {
    const routed = {
      transforms: 'route',
      'transforms.route.type': `${T}.RegexRouter`,
      'transforms.route.regex': 'a',
      'transforms.route.replacement': 'b',
    };
    expect(errorsOf({ ...routed, 'transforms.route.plugin.version': '[4.0,5.0)' })).toEqual({});
    expect(
      errorsOf({ ...routed, 'transforms.route.plugin.version': '3.9.0' })['transforms.route.plugin.version'],
    ).toEqual([
      `Plugin ${T}.RegexRouter not found that matches the version range [3.9.0], available versions: [4.4.0]`,
    ]);
  });

  it('reports an unknown class, a key the transformation does not take, and a bad plugin config', () => {
    expect(errorsOf({ transforms: 'x', 'transforms.x.type': 'com.example.Nope' })).toEqual({
      'transforms.x.type': [
        'Invalid value com.example.Nope for configuration transforms.x.type: Class com.example.Nope could not be found.',
      ],
    });
    expect(
      errorsOf({
        transforms: 'x',
        'transforms.x.type': `${T}.MaskField$Value`,
        'transforms.x.field': 'email',
      }),
    ).toMatchObject({
      'transforms.x.fields': expect.arrayContaining([
        expect.stringContaining('Missing required configuration'),
      ]),
      'transforms.x.field': [expect.stringContaining("has no configuration 'field'")],
    });
    expect(
      errorsOf({ transforms: 'x', 'transforms.x.type': `${T}.predicates.HasHeaderKey` })['transforms.x.type'],
    ).toEqual([
      `Invalid value ${T}.predicates.HasHeaderKey for configuration transforms.x.type: Not a Transformation`,
    ]);
  });
});
