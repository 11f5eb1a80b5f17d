/**
 * The browser monitor in real Chromium, driven by real input: forbidden
 * hotkeys and the context menu are blocked and reported, a reload is
 * reported, ordinary typing is left alone. (Headless Chromium never hides a
 * tab or moves focus, so those stay with the unit test.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFacePage, startFacePageServer, type FacePage, type FacePageServer } from '../support/face-harness';

let server: FacePageServer;
let facePage: FacePage;

beforeAll(async () => {
  server = await startFacePageServer();
  facePage = await openFacePage(server.origin);
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

  it('reports a reload once the page starts again', async () => {
    const { page } = facePage;
    await page.reload();
    await page.waitForFunction(() => 'faceHarness' in window);
    await page.evaluate(() => window.faceHarness.startBrowserMonitor());
    expect(await signals()).toContainEqual({ kind: 'reload', phase: 'instant', detail: { navigationType: 'reload' } });
  });
});
