#!/usr/bin/env node
// The browser the console's end-to-end tests drive: Debian's `chromium` package at
// /usr/bin/chromium (playwright-core downloads no browser, and this machine reaches Debian's
// archive, not Playwright's CDN). Installed with apt-get when missing and this runs as root;
// otherwise it says what to run. Plain Node, no dependencies. Exit 0 when the browser is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(log = (line) => process.stderr.write(`${line}\n`)) {
  if (existsSync(CHROMIUM)) return { ok: true, installed: false };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, message: `${CHROMIUM} is missing: run \`sudo apt-get install -y chromium\`` };
  }
  log('Installing Debian chromium for the browser tests (apt-get install -y chromium)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
      timeout: 600_000,
    });
  let result = install();
  if (result.status !== 0) {
    // A fresh machine may have no package lists yet.
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
    result = install();
  }
  if (result.status !== 0 || !existsSync(CHROMIUM)) {
    const why = result.stderr?.toString().trim().split('\n').slice(-3).join(' ') || `exit ${result.status}`;
    return { ok: false, message: `apt-get install chromium failed: ${why}` };
  }
  return { ok: true, installed: true };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = ensureChromium();
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  console.error(result.installed ? `Installed ${CHROMIUM}` : `${CHROMIUM} is there`);
}
