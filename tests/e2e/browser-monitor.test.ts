/**
 * The browser monitor in real Chromium, driven by real input: forbidden
 * hotkeys and the context menu are blocked and reported, fullscreen is
 * entered, left and re-entered, a reload is reported, ordinary typing is
 * left alone. (Headless Chromium never hides a
 * tab or moves focus, so those stay with the unit test.) No request leaves the
 * page's origin.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { offOriginRequests, openFacePage, startFacePageServer, TWO_SCREENS_ARGS, type FacePage, type FacePageServer } from '../support/face-harness';

let server: FacePageServer;
let facePage: FacePage;

beforeAll(async () => {
  server = await startFacePageServer();
  facePage = await openFacePage(server.origin);
});

afterEach(() => {
  expect(offOriginRequests(facePage.requests, server.origin)).toEqual([]);
});

afterAll(async () => {
  await facePage?.close();
  await server?.close();
});

const signals = () => facePage.page.evaluate(() => window.faceHarness.browserSignals.map((s) => ({ kind: s.kind, phase: s.phase, detail: s.detail })));

describe('browser monitor in Chromium', () => {
  it('blocks and reports hotkeys and the context menu, and lets typing through', async () => {
    const { page } = facePage;
    await page.evaluate(() => {
      document.body.innerHTML = '<textarea id="answer"></textarea>';
      window.faceHarness.startBrowserMonitor();
      // What the page itself sees after the monitor's capture-phase listeners.
      const seen: string[] = [];
      Object.assign(window, { seen });
      for (const type of ['keydown', 'contextmenu'] as const) {
        document.addEventListener(type, (event) => {
          const key = event instanceof KeyboardEvent ? event.key : type;
          if (key !== 'Control' && key !== 'Shift') seen.push(`${key}:${event.defaultPrevented ? 'blocked' : 'allowed'}`);
        });
      }
    });
    await page.click('#answer');
    await page.keyboard.type('abc');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.keyboard.press('Control+p');
    await page.keyboard.press('F12');
    await page.keyboard.press('Control+Shift+I');
    await page.click('#answer', { button: 'right' });
    expect(await page.inputValue('#answer')).toBe('abc');
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([
      'a:allowed', 'b:allowed', 'c:allowed', 'a:allowed', 'c:blocked', 'v:blocked', 'p:blocked', 'F12:blocked', 'I:blocked', 'contextmenu:blocked',
    ]);
    expect(await signals()).toEqual([
      { kind: 'hotkey', phase: 'instant', detail: { action: 'copy', key: 'c' } },
      { kind: 'hotkey', phase: 'instant', detail: { action: 'paste', key: 'v' } },
      { kind: 'hotkey', phase: 'instant', detail: { action: 'print', key: 'p' } },
      { kind: 'hotkey', phase: 'instant', detail: { action: 'devtools', key: 'F12' } },
      { kind: 'hotkey', phase: 'instant', detail: { action: 'devtools', key: 'I' } },
      { kind: 'context-menu', phase: 'instant', detail: {} },
    ]);
  });

  it('takes the page to fullscreen when required, reports leaving it, and one click brings it back', async () => {
    const { page } = facePage;
    await page.evaluate(() => {
      window.faceHarness.stopBrowserMonitor();
      window.faceHarness.browserSignals.length = 0;
      document.body.innerHTML = '<button id="start">start</button>';
      // As on the wait page: the candidate's click on "start", and the exam screen a moment later.
      document.getElementById('start')!.addEventListener('click', () => setTimeout(() => window.faceHarness.startBrowserMonitor({ isFullscreenRequired: true }), 500));
    });
    await page.click('#start');
    await page.waitForFunction(() => document.fullscreenElement !== null);
    expect(await signals()).toEqual([]);
    await page.evaluate(() => document.exitFullscreen());
    await page.waitForFunction(() => window.faceHarness.browserSignals.length > 0);
    await page.mouse.click(10, 10);
    await page.waitForFunction(() => document.fullscreenElement !== null && window.faceHarness.browserSignals.length > 1);
    expect((await signals()).map((s) => `${s.kind}:${s.phase}`)).toEqual(['fullscreen-left:start', 'fullscreen-left:end']);
    await page.evaluate(() => window.faceHarness.stopBrowserMonitor());
  });

  it('reports a reload once the page starts again', async () => {
    const { page } = facePage;
    await page.reload();
    await page.waitForFunction(() => 'faceHarness' in window);
    await page.evaluate(() => window.faceHarness.startBrowserMonitor());
    expect(await signals()).toContainEqual({ kind: 'reload', phase: 'instant', detail: { navigationType: 'reload' } });
  });
});

describe('browser monitor on a PC with two screens', () => {
  let twoScreens: FacePage;

  beforeAll(async () => {
    twoScreens = await openFacePage(server.origin, { args: TWO_SCREENS_ARGS });
  });

  afterAll(async () => {
    expect(offOriginRequests(twoScreens.requests, server.origin)).toEqual([]);
    await twoScreens?.close();
  });

  const kinds = () => twoScreens.page.evaluate(() => window.faceHarness.browserSignals.map((s) => `${s.kind}:${s.phase}`));

  it('reports the second screen (screen.isExtended) at start', async () => {
    expect(await twoScreens.page.evaluate(() => (screen as Screen & { isExtended?: boolean }).isExtended)).toBe(true);
    await twoScreens.page.evaluate(() => window.faceHarness.startBrowserMonitor());
    expect(await kinds()).toEqual(['second-screen:start']);
  });

  it('reports a pinch zoom until it is undone', async () => {
    const cdp = await twoScreens.page.context().newCDPSession(twoScreens.page);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
    await twoScreens.page.waitForFunction(() => window.faceHarness.browserSignals.some((s) => s.kind === 'zoom-changed'));
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1 });
    await twoScreens.page.waitForFunction(() => window.faceHarness.browserSignals.filter((s) => s.kind === 'zoom-changed').length === 2);
    const zoom = await twoScreens.page.evaluate(() => window.faceHarness.browserSignals.filter((s) => s.kind === 'zoom-changed').map((s) => ({ phase: s.phase, detail: s.detail })));
    expect(zoom).toEqual([
      { phase: 'start', detail: { pageZoom: 1, pinchZoom: 2 } },
      { phase: 'end', detail: { pageZoom: 1, pinchZoom: 1 } },
    ]);
  });
});
