import type { ConnectorPlugin } from '../api/connector.js';
import type { PluginInfo } from '../entities.js';

/** The connector classes this worker can run, found by full class name or alias (case-sensitive, as Connect). */
export class PluginRegistry {
  readonly #plugins: ConnectorPlugin[];
  readonly #byName = new Map<string, ConnectorPlugin>();

  constructor(plugins: ConnectorPlugin[]) {
    this.#plugins = plugins;
    for (const plugin of plugins) {
      this.#byName.set(plugin.className, plugin);
      for (const alias of plugin.aliases) this.#byName.set(alias, plugin);
    }
  }

  find(className: string | undefined): ConnectorPlugin | undefined {
    return className === undefined ? undefined : this.#byName.get(className.trim());
  }

  connectorPlugins(): PluginInfo[] {
    return this.#plugins
      .map((p) => ({ class: p.className, type: p.type, version: p.version }))
      .sort((a, b) => a.class.localeCompare(b.class));
  }
}
