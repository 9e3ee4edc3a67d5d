import { loggerRegistry } from '../logging/index.js';
import type { TaskThreadSettings } from '../worker/worker.js';

/** Task threads for a worker process: the built module next to this one, and its logger levels. */
export function taskThreadSettings(): TaskThreadSettings {
  return {
    entry: new URL('./task-thread-main.js', import.meta.url),
    logLevels: () =>
      Object.fromEntries(
        Object.entries(loggerRegistry.allLevels()).map(([name, { level }]) => [name, level]),
      ),
    onLogLevelsChanged: (listener) => loggerRegistry.onLevelsChanged(listener),
  };
}
