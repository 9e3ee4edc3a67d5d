import { parentPort } from 'node:worker_threads';
import { getLogger, loggerRegistry } from '../logging/index.js';
import { PluginRegistry } from '../worker/plugins.js';
import { serveTaskThread } from '../worker/task-thread.js';
import { builtInPlugins } from './built-in-plugins.js';
import { installLastResortHandlers } from './last-resort-handlers.js';

// A task thread's entry (worker/task-thread-pool.ts starts it): the built-in plugins, as the
// worker process has them, and the same last line of defence, so a stray error does not end the task.

if (!parentPort) throw new Error('task-thread-main runs as a worker thread of a Connect worker');
const logger = getLogger('org.msa.connect.runtime');
installLastResortHandlers(logger);
// The plugins depend on the worker's file.stream.allowed.dirs, which each start carries.
const registries = new Map<string, PluginRegistry>();
serveTaskThread({
  port: parentPort,
  plugins: (dirs) => {
    const key = JSON.stringify(dirs);
    let registry = registries.get(key);
    if (!registry) {
      registry = new PluginRegistry(builtInPlugins({ fileStreamAllowedDirs: dirs }));
      registries.set(key, registry);
    }
    return registry;
  },
  logger,
  // Root first, then parents before children (sorted names): setting a namespace sets the
  // loggers under it too, so each one's own level is applied last.
  applyLogLevels: (levels) => {
    const names = Object.keys(levels).sort((a, b) =>
      a === 'root' ? -1 : b === 'root' ? 1 : a.localeCompare(b),
    );
    for (const name of names) loggerRegistry.setLevel(name, levels[name] as string);
  },
});
