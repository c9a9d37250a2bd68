import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; `.ci/run` installs it. No browser is downloaded at test time. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser suites skip themselves: only outside CI, where a missing browser must fail instead. */
export const chromiumSkipReason: string | false =
  !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is missing (apt-get install chromium); CI installs it and runs these tests` : false;

/** A quiet, sandbox-free headless Chromium: no network of its own, no updates, no sync. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium for the enclosing suite and closes it after. Playwright gives every launch a
 * fresh profile (user-data-dir) in a temporary folder and removes it on close.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not started yet: read it inside a test or hook');
    return browser;
  };
}
