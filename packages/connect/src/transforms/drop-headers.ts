import { ConfigDef } from '../config/config-def.js';
import { validList } from '../config/validators.js';
import { transformationPlugin } from './key-value-plugins.js';
import { type TransformationPlugin, withChanges } from './transformation.js';

const HEADERS = 'headers';

export const DROP_HEADERS_CONFIG_DEF = new ConfigDef().define({
  name: HEADERS,
  type: 'LIST',
  validator: validList([], { emptyAllowed: false }),
  importance: 'HIGH',
  documentation: 'Keys of the headers to remove; every header with one of these keys is dropped.',
});

/**
 * `DropHeaders`: removes every header whose key is listed in `headers` (all occurrences of a
 * repeated key), keeping the others in order. The record gets a new header list; the input's is
 * left as it was.
 */
export const dropHeadersPlugins: TransformationPlugin[] = [
  transformationPlugin('DropHeaders', DROP_HEADERS_CONFIG_DEF, (props) => {
    const config = DROP_HEADERS_CONFIG_DEF.parse(props);
    const dropped = new Set(config.getList(HEADERS) ?? []);
    return {
      apply(record) {
        const headers = (record.headers ?? []).filter((header) => !dropped.has(header.key));
        return withChanges(record, { headers });
      },
    };
  }),
];
