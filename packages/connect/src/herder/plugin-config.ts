import { configKeyInfo } from '../config/config-def.js';
import {
  CONNECTOR_PLUGIN_VERSION_CONFIG,
  sinkConnectorConfigDef,
  sourceConnectorConfigDef,
} from '../config/connector-config.js';
import { converterRegistry, headerConverterConfigDef } from '../converters/converter-registry.js';
import type { ConfigKeyInfo } from '../entities.js';
import { notFound } from '../errors/connect-error.js';
import { findPredicatePlugin, findTransformationPlugin } from '../transforms/transformation-plugins.js';
import type { PluginRegistry } from '../worker/plugins.js';

/**
 * `GET /connector-plugins/{plugin}/config` (Connect's `connectorPluginConfig`): a connector's own
 * keys, then the framework's connector keys it does not redefine; a transformation's, predicate's
 * or converter's keys (SimpleHeaderConverter has none). Unknown → 404 with Connect's text.
 */
export function pluginConfigKeys(connectors: PluginRegistry, name: string): ConfigKeyInfo[] {
  const connector = connectors.find(name);
  if (connector) {
    const keys = new Map(connector.configDef.keys());
    const base = connector.type === 'sink' ? sinkConnectorConfigDef() : sourceConnectorConfigDef();
    for (const [key, definition] of base.keys()) if (!keys.has(key)) keys.set(key, definition);
    // As Apache: the connector's version is its plugin.version default (converters' stay null here).
    return [...keys.values()].map((key) =>
      key.name === CONNECTOR_PLUGIN_VERSION_CONFIG && !connector.configDef.keys().has(key.name)
        ? { ...configKeyInfo(key), default_value: connector.version }
        : configKeyInfo(key),
    );
  }
  const plugin = findTransformationPlugin(name) ?? findPredicatePlugin(name);
  if (plugin) return [...plugin.configDef.keys().values()].map(configKeyInfo);
  const converter = converterRegistry.configDef(name) ?? headerConverterConfigDef(name);
  if (converter) return [...converter.keys().values()].map(configKeyInfo);
  throw notFound(`Unknown plugin ${name}.`);
}
