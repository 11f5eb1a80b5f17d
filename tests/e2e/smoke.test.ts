/**
 * The PWA shell in a real Chromium against a real venue: it loads from the venue,
 * speaks the chosen language, registers its service worker (127.0.0.1 is a secure
 * context), starts again with the network gone, and never requests anything from
 * another origin. Needs `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newDesktopContext, recordRequests, waitForServiceWorker, type RequestLog } from '../support/browser';
import { ROOT, startHub, startVenue, type RunningProcess } from '../support/processes';
import { ShellPage } from './pages/shell-page';

describe('PWA shell', () => {
  let venue: RunningProcess;
  let browser: Browser;
  let context: BrowserContext;
  let requests: RequestLog;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    venue = await startVenue();
    browser = await launchBrowser();
    context = await newDesktopContext(browser);
    requests = recordRequests(context);
    context.on('weberror', (error) => scriptErrors.push(error.error().message));
    context.on('console', (message) => {
      if (message.type() === 'error') scriptErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await venue?.stop();
  });

  it('opens in Kazakh with the product name and a language switcher', async () => {
    const shell = await ShellPage.open(context, venue.url);
    expect(await shell.title()).toBe('Компьютерлік тестілеу');
    expect(await shell.documentLanguage()).toBe('kk');
    expect(await shell.languageNames()).toEqual(['Қазақша', 'Русский', 'English']);
    expect(await shell.showsText('Компьютерлік тестілеу')).toBe(true);
  });

  it('draws every Kazakh letter with the bundled Noto Sans', async () => {
    const shell = await ShellPage.open(context, venue.url);
    const faces = await shell.loadFontFor('әғқңөұүһі ӘҒҚҢӨҰҮҺІ');
    expect(faces.length).toBeGreaterThanOrEqual(2); // cyrillic and cyrillic-ext subsets
    expect(faces.every((face) => face.family.includes('Noto Sans') && face.status === 'loaded')).toBe(true);
  });

  it('passes the automated accessibility checks, with touch-sized buttons', async () => {
    for (const path of ['/', '/proctor']) {
      const shell = await ShellPage.open(context, venue.url, path);
      expect(await shell.accessibilityViolations()).toEqual([]);
      const smallest = await shell.smallestButton();
      expect(Math.min(smallest.width, smallest.height)).toBeGreaterThanOrEqual(44);
    }
  });

  it('switches language, and keeps the choice after a reload', async () => {
    const shell = await ShellPage.open(context, venue.url);
    await shell.chooseLanguage('ru');
    expect(await shell.title()).toBe('Компьютерное тестирование');
    expect(await shell.documentLanguage()).toBe('ru');
    await shell.reload();
    expect(await shell.showsText('Компьютерное тестирование')).toBe(true);
    await shell.chooseLanguage('kk');
    expect(await shell.showsText('Компьютерлік тестілеу')).toBe(true);
  });

  it('loads each area at its own path: candidate and proctor at the venue, central staff at the hub', async () => {
    const shell = await ShellPage.open(context, venue.url, '/proctor');
    expect(await shell.title()).toBe('Компьютерлік тестілеу');
    expect(await shell.showsText('Компьютерлік тестілеу')).toBe(true);

    // The central area belongs to the hub; its own context keeps the venue's request log clean.
    const hub = await startHub();
    const hubContext = await newDesktopContext(browser);
    try {
      const hubRequests = recordRequests(hubContext);
      const hubErrors: string[] = [];
      hubContext.on('weberror', (error) => hubErrors.push(error.error().message));
      const central = await ShellPage.open(hubContext, hub.url, '/central');
      expect(await central.title()).toBe('Компьютерлік тестілеу');
      // Signed out, the central area opens on the staff sign-in form.
      await central.page.locator('input[name="username"]').waitFor({ timeout: 15_000 });
      expect(await central.page.locator('input[name="password"]').isVisible()).toBe(true);
      expect(hubRequests.offOrigin(hub.url)).toEqual([]);
      expect(hubErrors).toEqual([]);
    } finally {
      await hubContext.close();
      await hub.stop();
    }
  });

  it('registers its service worker and starts again with no network', async () => {
    const shell = await ShellPage.open(context, venue.url);
    const scriptUrl = await waitForServiceWorker(shell.page);
    expect(scriptUrl).toBe(`${venue.url}/sw.js`);

    await context.setOffline(true);
    try {
      await shell.reload();
      expect(await shell.showsText('Компьютерлік тестілеу')).toBe(true);
      await shell.goto('/proctor');
      expect(await shell.showsText('Компьютерлік тестілеу')).toBe(true);
    } finally {
      await context.setOffline(false);
    }
  });

  it('never requests anything from another origin', () => {
    expect(requests.urls.length).toBeGreaterThan(0);
    expect(requests.offOrigin(venue.url)).toEqual([]);
  });

  it('ran without a script error or a blocked resource', () => {
    expect(scriptErrors).toEqual([]);
  });
});
