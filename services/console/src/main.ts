#!/usr/bin/env node
import { runServiceProcess, serviceLogger } from '@msa-sync/service-runtime';
import { startConsole } from './console-server.js';
import { consoleSettings } from './console-settings.js';

const bootLogger = serviceLogger('console', String(process.pid));
await runServiceProcess(bootLogger, async () => {
  const settings = consoleSettings();
  return startConsole(settings, serviceLogger('console', 'console', settings.logLevel));
});
