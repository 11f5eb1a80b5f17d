/**
 * Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by
 * playwright-core, with the flags that keep it quiet and off the internet, plus
 * a recorder of every URL a page requests (for "nothing leaves the origin").
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** No sandbox (containers), no GPU, and nothing the browser fetches for itself. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** Launches headless Chromium; `extraArgs` adds flags (fake camera, insecure origins…). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** A classroom PC: a 1366×768 screen with a mouse. */
export function newDesktopContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'kk-KZ', ...options });
}

/** A proctor's tablet: touch, 1280×800. */
export function newTabletContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true, isMobile: false, locale: 'ru-RU', ...options });
}

export interface RequestLog {
  /** Every URL requested so far, in order (page and its workers, including the service worker). */
  readonly urls: string[];
  /** Requests whose origin is not `origin` (data:, blob: and about: excepted). */
  offOrigin(origin: string): string[];
}

/**
 * Records every request a context makes, from its pages and from their service
 * worker. Attach it before the first navigation.
 */
export function recordRequests(target: BrowserContext | Page): RequestLog {
  const urls: string[] = [];
  target.on('request', (request) => urls.push(request.url()));
  return {
    urls,
    offOrigin(origin: string) {
      const expected = new URL(origin).origin;
      return urls.filter((url) => !/^(data|blob|about|chrome-extension):/.test(url) && new URL(url).origin !== expected);
    },
  };
}

/** Waits until the page's service worker is active and controls the page. */
export async function waitForServiceWorker(page: Page, timeoutMs = 60_000): Promise<string> {
  return page.evaluate(async (timeout) => {
    const deadline = Date.now() + timeout;
    const registration = await Promise.race([
      navigator.serviceWorker.ready,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no service worker became ready')), timeout)),
    ]);
    while (!navigator.serviceWorker.controller && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!navigator.serviceWorker.controller) throw new Error('the service worker never took control of the page');
    return registration.active?.scriptURL ?? '';
  }, timeoutMs);
}
