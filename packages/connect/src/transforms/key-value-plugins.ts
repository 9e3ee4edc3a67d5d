import { KAFKA_VERSION } from '../api/kafka-version.js';
import type { ConfigDef } from '../config/config-def.js';
import type { RecordSide } from './record-side.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

/** Apache's transforms live in this package; their class names are what users write. */
export const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms';

/** One plugin named `<package>.<simpleName>`. */
export function transformationPlugin(
  simpleName: string,
  configDef: ConfigDef,
  create: (config: PluginConfig) => Transformation,
): TransformationPlugin {
  return {
    className: `${TRANSFORMS_PACKAGE}.${simpleName}`,
    kind: 'transformation',
    configDef,
    version: KAFKA_VERSION,
    create,
  };
}

/** The `$Key` and `$Value` variants of a transformation that works on either half of a record. */
export function keyValuePlugins(
  simpleName: string,
  configDef: ConfigDef,
  create: (side: RecordSide, config: PluginConfig) => Transformation,
): TransformationPlugin[] {
  return [
    transformationPlugin(`${simpleName}$Key`, configDef, (config) => create('key', config)),
    transformationPlugin(`${simpleName}$Value`, configDef, (config) => create('value', config)),
  ];
}
