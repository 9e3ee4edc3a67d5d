import { configKeyInfo } from '../config/config-def.js';
import { connectorConfigDef, sinkConnectorConfigDef } from '../config/connector-config.js';
import { converterRegistry } from '../converters/converter-registry.js';
import { badRequest, notFound } from '../errors/connect-error.js';
import { findPredicatePlugin, findTransformationPlugin } from '../transforms/transformation-plugins.js';
import type { PluginRegistry } from '../worker/plugins.js';
import type { ConfigKeyInfo } from './types.js';

/** The converter classes the worker has; their settings are not described by a ConfigDef yet. */
const CONVERTERS = new Set(converterRegistry.classNames());

/**
 * `GET /connector-plugins/{plugin}/config` (Connect's `connectorPluginConfig`): a connector's own
 * keys, then the framework's connector keys it does not redefine; a transformation's or
 * predicate's keys. Unknown → 404 with Connect's text.
 */
export function pluginConfigKeys(connectors: PluginRegistry, name: string): ConfigKeyInfo[] {
  const connector = connectors.find(name);
  if (connector) {
    const keys = new Map(connector.configDef.keys());
    const base = connector.type === 'sink' ? sinkConnectorConfigDef() : connectorConfigDef();
    for (const [key, definition] of base.keys()) if (!keys.has(key)) keys.set(key, definition);
    return [...keys.values()].map(configKeyInfo);
  }
  const plugin = findTransformationPlugin(name) ?? findPredicatePlugin(name);
  if (plugin) return [...plugin.configDef.keys().values()].map(configKeyInfo);
  if (CONVERTERS.has(name)) {
    throw badRequest(
      `msa-sync does not describe the settings of converter ${name} here yet; connectors, transformations and predicates are described`,
    );
  }
  throw notFound(`Unknown plugin ${name}.`);
}
