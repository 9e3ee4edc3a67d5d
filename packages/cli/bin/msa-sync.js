#!/usr/bin/env node
// The `msa-sync` command as npm links it. Committed, not compiled: npm creates the
// node_modules/.bin link only for a bin file that exists when it installs, and dist/ is compiled
// after the install, so a bin pointing into dist/ got no link on a fresh clone.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    'msa-sync is not compiled yet (packages/cli/dist/main.js is missing): run `npm start` or `npm run build` in the msa-sync checkout first.\n',
  );
  process.exit(1);
}
await import(main.href);
