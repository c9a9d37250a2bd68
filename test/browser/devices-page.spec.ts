import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { Device } from '../../lib/index.js';
import { useSampleApp } from '../fixtures/sample-app-in-process.js';
import { ADAPTERS } from '../support/databases.js';
import { chromiumSkipReason, useChromium } from './chromium.js';

const PASSWORD = 'long enough password';
const ARTIFACTS = 'dist/test-artifacts';
/** Short-lived access tokens, so the tabs refresh every second (the client refreshes at half the lifetime). */
const ACCESS_TOKEN_TTL_SECONDS = 2;
const RACE_ROUNDS = 6;
const SLOW_REFRESH_MS = 300;
/** The devices' details on the page (and its screenshot) are their User-Agent. */
const LAPTOP_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE_USER_AGENT = 'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

for (const adapter of ADAPTERS) {
  describe(`the "Your devices" page in Chromium [sqlite · ${adapter}]`, { skip: chromiumSkipReason }, () => {
    const sample = useSampleApp(adapter, { JWT_DEVICES_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS) });
    const browser = useChromium();
    let laptop: BrowserContext;
    let phone: BrowserContext;
    let tab: Page;
    let userId: string;
    const uncaught: string[] = [];

    before(async () => {
      const created = await sample().call<{ id: number }>({ method: 'POST', path: '/users', body: { username: 'zoë', password: PASSWORD } });
      assert.equal(created.status, 201, created.text);
      userId = String(created.json!.id);
      // en-GB and UTC: the dates on the screenshot read the same on every machine.
      const contextOptions = { locale: 'en-GB', timezoneId: 'UTC', viewport: { width: 1000, height: 400 } };
      laptop = await browser().newContext({ ...contextOptions, userAgent: LAPTOP_USER_AGENT });
      phone = await browser().newContext({ ...contextOptions, userAgent: PHONE_USER_AGENT });
      tab = await openPage(laptop);
    });
    after(async () => {
      await laptop?.close();
      await phone?.close();
    });

    const devices = () => sample().app.get<DataSource>(getDataSourceToken()).getRepository(Device).find({ where: { userId }, order: { id: 'ASC' } });
    const rows = (page: Page) => page.locator('#device-rows tr');

    async function openPage(context: BrowserContext): Promise<Page> {
      const page = await context.newPage();
      // Uncaught errors and CSP violations would fail the suite; a 401 in the console is the page doing its job.
      page.on('pageerror', (error) => uncaught.push(`${adapter}: ${error.message}`));
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) uncaught.push(`${adapter}: ${message.text()}`);
      });
      const response = await page.goto(sample().url);
      assert.equal(response?.status(), 200);
      assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      return page;
    }

    async function logIn(page: Page, deviceName: string): Promise<void> {
      await page.locator('#login').waitFor();
      await page.fill('input[name=username]', 'zoë');
      await page.fill('input[name=password]', PASSWORD);
      await page.fill('input[name=device]', deviceName);
      await page.click('#login button[type=submit]');
      await page.locator('#devices').waitFor();
    }

    it('logs in through the form and lists this device, marked as current', async () => {
      await logIn(tab, 'Work laptop');
      await assert.doesNotReject(rows(tab).first().waitFor());
      assert.equal(await rows(tab).count(), 1);
      const current = tab.locator('#device-rows tr.current');
      assert.equal(await current.locator('.name').innerText(), 'Work laptop');
      assert.equal(await current.locator('.badge').innerText(), 'this device');
      const stored = await devices();
      assert.deepEqual(stored.map((device) => device.name), ['Work laptop']);
      assert.equal(await current.getAttribute('data-device-id'), String(stored[0]!.id));
    });

    it('keeps the session over a reload, from localStorage, without logging in again', async () => {
      const logins: Request[] = [];
      tab.on('request', (request) => request.url().endsWith('/auth-token') && logins.push(request));
      await tab.reload();
      await tab.locator('#device-rows tr.current').waitFor();
      assert.equal(await tab.locator('#login').isHidden(), true);
      assert.deepEqual(logins, []);
      assert.equal((await devices()).length, 1);
    });

    it('a second browser logs in; the first lists both devices and logs the other out', async () => {
      const phoneTab = await openPage(phone);
      await logIn(phoneTab, 'Phone');
      await tab.click('#reload');
      await tab.locator('#device-rows tr').nth(1).waitFor();
      assert.deepEqual(await rows(tab).locator('.name').allInnerTexts(), ['Work laptop', 'Phone']);
      mkdirSync(ARTIFACTS, { recursive: true });
      await tab.screenshot({ path: `${ARTIFACTS}/devices-page-${adapter}.png` });

      const phoneId = (await devices()).find((device) => device.name === 'Phone')!.id;
      await tab.click(`#device-rows tr[data-device-id="${phoneId}"] button`);
      await tab.locator('#status', { hasText: 'That device is logged out.' }).waitFor();
      assert.equal(await rows(tab).count(), 1);
      assert.deepEqual((await devices()).map((device) => device.name), ['Work laptop']);

      // The phone's next request finds its device gone: its refresh is refused and the form comes back.
      await phoneTab.click('#reload');
      await phoneTab.locator('#login').waitFor();
      assert.equal(await storedSession(phoneTab), null);
    });

    it('"log out all other devices" leaves only this one', async () => {
      const phoneTab = phone.pages()[0]!;
      await logIn(phoneTab, 'Phone again');
      assert.equal((await devices()).length, 2);
      await tab.click('#logout-others');
      await tab.locator('#status', { hasText: '1 other device is logged out.' }).waitFor();
      assert.equal(await rows(tab).count(), 1);
      assert.deepEqual((await devices()).map((device) => device.name), ['Work laptop']);
    });

    it('two tabs refreshing at the same moment, round after round, never present one permanent token twice and keep the device', async () => {
      const second = await openPage(laptop);
      await second.locator('#device-rows tr.current').waitFor();
      const [device] = await devices();
      const presented: string[] = [];
      const listed: number[] = [];
      laptop.on('request', (request) => {
        if (request.url().endsWith('/device-refresh-token')) presented.push(request.headers()['permanent-token'] ?? '');
      });
      laptop.on('response', (response) => {
        if (response.request().method() === 'GET' && response.url().endsWith('/devices')) listed.push(response.status());
      });
      // A slow refresh answer: the other tab surely reads the stored pair, stale, before the new one is written.
      await laptop.route('**/device-refresh-token', async (route) => {
        await delay(SLOW_REFRESH_MS);
        await route.continue();
      });
      for (let round = 0; round < RACE_ROUNDS; round++) {
        await untilAccessTokenIsStale(tab);
        const before = listed.length;
        await Promise.all([tab.click('#reload'), second.click('#reload')]);
        await waitUntil(() => listed.length >= before + 2);
      }
      await laptop.unrouteAll();
      // At least one refresh a round; two when the machine is so slow that a tab clicks after the new token went stale too.
      assert.ok(presented.length >= RACE_ROUNDS, `only ${presented.length} refreshes in ${RACE_ROUNDS} rounds`);
      assert.equal(new Set(presented).size, presented.length, 'a permanent token was presented twice');
      assert.deepEqual(listed, Array(listed.length).fill(200));
      assert.deepEqual((await devices()).map(({ id }) => id), [device!.id]);
      for (const page of [tab, second]) assert.equal(await page.locator('#devices').isVisible(), true);
    });

    it('logout returns every tab to the form and deletes the device', async () => {
      const [, second] = laptop.pages();
      await tab.click('#logout');
      await tab.locator('#login').waitFor();
      await second!.locator('#login').waitFor();
      assert.deepEqual(await devices(), []);
      assert.equal(await storedSession(tab), null);
      assert.deepEqual(uncaught, []);
    });
  });
}

/** Waits until the client would refresh the stored access token: at half its lifetime (see refreshSkewSeconds). */
async function untilAccessTokenIsStale(page: Page): Promise<void> {
  const session = await storedSession(page);
  assert.ok(session !== null, 'the tab holds no session');
  const { access } = JSON.parse(session) as { access: string };
  const { exp } = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString()) as { exp: number };
  const staleAt = (exp - ACCESS_TOKEN_TTL_SECONDS / 2) * 1000 + 50;
  await delay(Math.max(0, staleAt - Date.now()));
}

/** What the page's client keeps in localStorage (the page runs the client with the default key). */
async function storedSession(page: Page): Promise<string | null> {
  // A string, so this file needs no DOM types.
  return (await page.evaluate("localStorage.getItem('jwt-devices')")) as string | null;
}

async function waitUntil(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 15_000) throw new Error('gave up waiting');
    await delay(20);
  }
}
