import { describe, expect, it } from 'vitest';
import { parseJavaProperties } from './java-properties.js';

describe('parseJavaProperties', () => {
  it('reads the forms connect-distributed.properties uses', () => {
    const props = parseJavaProperties(
      [
        '# comment',
        '! also a comment',
        'bootstrap.servers=localhost:9092',
        'group.id = connect-cluster',
        'key.converter: org.apache.kafka.connect.json.JsonConverter',
        'plugin.path /usr/share/java',
        'listeners=HTTP://:8083',
        'long.value=a,\\',
        '   b,\\',
        '   c',
        'escaped\\=key=x\\ty\\u0041',
        'empty=',
      ].join('\n'),
    );
    expect(props.get('bootstrap.servers')).toBe('localhost:9092');
    expect(props.get('group.id')).toBe('connect-cluster');
    expect(props.get('key.converter')).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(props.get('plugin.path')).toBe('/usr/share/java');
    expect(props.get('listeners')).toBe('HTTP://:8083');
    expect(props.get('long.value')).toBe('a,b,c');
    expect(props.get('escaped=key')).toBe('x\tyA');
    expect(props.get('empty')).toBe('');
    expect(props.size).toBe(8);
  });
});
