import { tmpdir } from 'node:os';
import type { ConnectorPlugin } from '../api/connector.js';
import { createFileStreamSinkPlugin } from '../connectors/file/file-stream-sink.js';
import { createFileStreamSourcePlugin } from '../connectors/file/file-stream-source.js';
import { jdbcSinkPlugin } from '../connectors/jdbc/sink/jdbc-sink-connector.js';
import { jdbcSourcePlugin } from '../connectors/jdbc/source/jdbc-source-plugin.js';
import type { PluginInfo } from '../herder/types.js';

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

/** `fileStreamAllowedDirs`: the worker's file.stream.allowed.dirs (default: the system temp directory). */
export function builtInPlugins(
  settings: { fileStreamAllowedDirs?: readonly string[] } = {},
): ConnectorPlugin[] {
  const dirs = settings.fileStreamAllowedDirs ?? [tmpdir()];
  return [
    createFileStreamSourcePlugin(dirs),
    createFileStreamSinkPlugin(dirs),
    jdbcSinkPlugin,
    jdbcSourcePlugin,
  ];
}
