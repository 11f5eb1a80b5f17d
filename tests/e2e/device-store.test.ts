/**
 * The device store and its outbox in a real Chromium: Chromium's own IndexedDB
 * (strict durability, gapless seqs under concurrent writes, the chain surviving a
 * reload) and pushes to the real venue routes, through a network that goes away
 * and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDesktopContext, recordRequests, type RequestLog } from '../support/browser';
import { startDeviceStoreHarness, type DeviceStoreHarness } from '../support/device-store-harness';
import type { DeviceStoreApi } from '../support/device-store-page';

type Call = <K extends keyof DeviceStoreApi>(name: K, ...args: Parameters<DeviceStoreApi[K]>) => Promise<Awaited<ReturnType<DeviceStoreApi[K]>>>;

describe('device store in Chromium', () => {
  let harness: DeviceStoreHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requests: RequestLog;

  const call: Call = async (name, ...args) => {
    return page.evaluate(
      ([method, params]) => (window as unknown as { deviceStore: Record<string, (...a: unknown[]) => unknown> }).deviceStore[method]!(...params),
      [name, args] as const,
    ) as never;
  };

  async function openPage(): Promise<void> {
    await page.goto(`${harness.origin}/`);
    await page.waitForFunction(() => 'deviceStore' in window);
  }

  beforeAll(async () => {
    harness = await startDeviceStoreHarness();
    browser = await launchBrowser();
    context = await newDesktopContext(browser);
    requests = recordRequests(context);
    page = await context.newPage();
    await openPage();
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('writes with strict durability and gives concurrent appends consecutive seqs', async () => {
    await call('ensure', 'pc-e2e-1');
    expect(await call('durability')).toBe('strict');
    const seqs = await call('appendConcurrently', 60, 'first');
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const chain = await call('chain');
    expect(chain.seqs).toHaveLength(60);
    expect(chain.fault).toBeNull();
  });

  it('continues the same chain after a reload', async () => {
    await openPage();
    const seqs = await call('appendConcurrently', 5, 'after-reload');
    expect([...seqs].sort((a, b) => a - b)).toEqual([61, 62, 63, 64, 65]);
    expect((await call('chain')).fault).toBeNull();
  });

  it('keeps events while the network is gone and delivers them all when it returns', async () => {
    await context.setOffline(true);
    try {
      const offline = await call('drain');
      expect(offline).toMatchObject({ state: 'error', reason: 'offline', isOnline: false, pending: 65 });
    } finally {
      await context.setOffline(false);
    }
    const online = await call('drain');
    expect(online).toMatchObject({ state: 'done', reason: null, isOnline: true, pending: 0 });
    const { epoch } = await call('chain');
    expect(harness.ingest.cursor('pc-e2e-1', epoch!).ackedSeq).toBe(65);
  });

  it('never requests anything from another origin', () => {
    expect(requests.urls.some((url) => url.endsWith('/api/device/events'))).toBe(true);
    expect(requests.offOrigin(harness.origin)).toEqual([]);
  });
});
