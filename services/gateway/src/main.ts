#!/usr/bin/env node
import { jwtSecretFrom, runServiceProcess, serviceLogger } from '@msa-sync/service-runtime';
import { gatewaySettings, startGateway } from './gateway.js';

const bootLogger = serviceLogger('gateway', String(process.pid));
await runServiceProcess(bootLogger, async () => {
  const settings = gatewaySettings(process.env, jwtSecretFrom());
  return startGateway(settings, serviceLogger('gateway', settings.instanceId, settings.logLevel));
});
