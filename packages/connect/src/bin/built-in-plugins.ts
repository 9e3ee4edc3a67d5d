import { tmpdir } from 'node:os';
import type { ConnectorPlugin } from '../api/connector.js';
import { createFileStreamSinkPlugin } from '../connectors/file/file-stream-sink.js';
import { createFileStreamSourcePlugin } from '../connectors/file/file-stream-source.js';
import { jdbcSinkPlugin } from '../connectors/jdbc/sink/jdbc-sink-connector.js';
import { jdbcSourcePlugin } from '../connectors/jdbc/source/jdbc-source-plugin.js';

// The connectors a worker ships with, chosen where the worker is assembled: the worker's
// PluginRegistry knows no connector, so worker/ does not import connectors/.

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
