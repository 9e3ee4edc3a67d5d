import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { eventually, freePort } from '../support/connect-worker.js';
import { root, tail } from '../support/run-process.js';

/** The Debian chromium the global setup installs (scripts/ensure-chromium.mjs). */
export const CHROMIUM = '/usr/bin/chromium';
export const screenshots = join(root, 'docs', 'screenshots');

export interface ConsoleProcess {
  url: string;
  log: string;
  stop(): Promise<void>;
}

/** services/console as a real process on a free port, with `env` (Connect URL, Kafka, database). */
export async function startConsole(env: Record<string, string>): Promise<ConsoleProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = join(mkdtempSync(join(tmpdir(), 'msa-console-')), 'console.log');
  const out = createWriteStream(log);
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'services', 'console', 'dist', 'main.js')],
    {
      env: { ...process.env, MSA_CONSOLE_PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(
    `the console on ${url} (log ${log})`,
    async () => (await fetch(`${url}/api/health`)).ok,
    30_000,
  );
  return {
    url,
    log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and failed requests, each as one line. */
  errors: string[];
  /** A screenshot for the README in docs/screenshots/, without the passing notices. */
  shot(file: string, fullPage?: boolean): Promise<void>;
}

/**
 * Chromium with the flags this machine needs (no calls to Google's hosts, no sandbox as root) and
 * a fresh profile; every error the page reports is collected.
 */
export async function openBrowser(
  options: { httpCredentials?: { username: string; password: string } } = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the test global setup installs it (scripts/ensure-chromium.mjs)`,
    );
  }
  mkdirSync(screenshots, { recursive: true });
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'msa-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 860 },
    colorScheme: 'light',
    ...(options.httpCredentials ? { httpCredentials: options.httpCredentials } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  // Which request failed, for the message (the console line does not say).
  page.on('response', async (response) => {
    if (response.status() >= 400) {
      const body = await response.text().catch(() => '');
      errors.push(
        `response: ${response.request().method()} ${response.url()} ${response.status()} ${body.slice(0, 300)}`,
      );
    }
  });
  return {
    context,
    page,
    errors,
    shot: async (file, fullPage = false) => {
      await page.evaluate("document.getElementById('toasts')?.replaceChildren()");
      await page.screenshot({ path: join(screenshots, file), fullPage });
    },
  };
}

/** No error in the browser's console, and no failed request, at any step (with the console's log). */
export function expectNoBrowserErrors(
  browser: Browser | undefined,
  consoleProcess: ConsoleProcess | undefined,
): void {
  if (!browser) return;
  const log = consoleProcess?.log ?? '(no console)';
  expect(browser.errors, `browser errors; console log: ${log}\n${consoleProcess ? tail(log) : ''}`).toEqual(
    [],
  );
}
