#!/usr/bin/env node
import { runConnectWorker } from './connect-worker.js';

process.exitCode = await runConnectWorker(process.argv.slice(2));
setTimeout(() => process.exit(), 100).unref();
