import { castPlugins } from './cast.js';
import { dropHeadersPlugins } from './drop-headers.js';
import { extractFieldPlugins } from './extract-field.js';
import { filterPlugins } from './filter.js';
import { flattenPlugins } from './flatten.js';
import { headerFromPlugins } from './header-from.js';
import { hoistFieldPlugins } from './hoist-field.js';
import { insertFieldPlugins } from './insert-field.js';
import { insertHeaderPlugins } from './insert-header.js';
import { maskFieldPlugins } from './mask-field.js';
import { predicatePlugins } from './predicates.js';
import { regexRouterPlugins } from './regex-router.js';
import { replaceFieldPlugins } from './replace-field.js';
import { setSchemaMetadataPlugins } from './set-schema-metadata.js';
import { timestampConverterPlugins } from './timestamp-converter.js';
import { timestampRouterPlugins } from './timestamp-router.js';
import type { PredicatePlugin, TransformationPlugin } from './transformation.js';
import { valueToKeyPlugins } from './value-to-key.js';

/** Every transformation of Apache Kafka Connect 4.x, by the class name users write in `.type`. */
const TRANSFORMATIONS: ReadonlyMap<string, TransformationPlugin> = new Map(
  [
    ...castPlugins,
    ...dropHeadersPlugins,
    ...extractFieldPlugins,
    ...filterPlugins,
    ...flattenPlugins,
    ...headerFromPlugins,
    ...hoistFieldPlugins,
    ...insertFieldPlugins,
    ...insertHeaderPlugins,
    ...maskFieldPlugins,
    ...regexRouterPlugins,
    ...replaceFieldPlugins,
    ...setSchemaMetadataPlugins,
    ...timestampConverterPlugins,
    ...timestampRouterPlugins,
    ...valueToKeyPlugins,
  ].map((plugin) => [plugin.className, plugin]),
);

const PREDICATES: ReadonlyMap<string, PredicatePlugin> = new Map(
  predicatePlugins.map((plugin) => [plugin.className, plugin]),
);

export function findTransformationPlugin(
  className: string | undefined | null,
): TransformationPlugin | undefined {
  return className == null ? undefined : TRANSFORMATIONS.get(className.trim());
}

export function findPredicatePlugin(className: string | undefined | null): PredicatePlugin | undefined {
  return className == null ? undefined : PREDICATES.get(className.trim());
}

export function transformationPlugins(): TransformationPlugin[] {
  return [...TRANSFORMATIONS.values()].sort((a, b) => a.className.localeCompare(b.className));
}

export function predicatePluginList(): PredicatePlugin[] {
  return [...PREDICATES.values()].sort((a, b) => a.className.localeCompare(b.className));
}
