import { describe, expect, it } from 'vitest';
import { ProctoringPolicy } from '../../sync/package';
import { classifyHotkey, createBrowserMonitor, DEFAULT_BROWSER_MONITOR_POLICY, type BrowserSignal, type MonitoredDocument, type MonitoredWindow } from './browser-monitor';
import { browserMonitorPolicy } from './policy';

const key = (k: string, modifiers: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}, code = /^[a-z]$/i.test(k) ? `Key${k.toUpperCase()}` : k) => ({
  key: k,
  code,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...modifiers,
});

describe('classifyHotkey', () => {
  it.each([
    ['copy', key('c', { ctrlKey: true })],
    ['copy', key('c', { metaKey: true })],
    ['copy', key('Insert', { ctrlKey: true })],
    ['cut', key('x', { ctrlKey: true })],
    ['cut', key('Delete', { shiftKey: true })],
    ['paste', key('v', { ctrlKey: true })],
    ['paste', key('V', { ctrlKey: true, shiftKey: true })],
    ['paste', key('Insert', { shiftKey: true })],
    ['print', key('p', { ctrlKey: true })],
    ['save', key('s', { ctrlKey: true })],
    ['view-source', key('u', { ctrlKey: true })],
    ['devtools', key('F12')],
    ['devtools', key('I', { ctrlKey: true, shiftKey: true })],
    ['devtools', key('j', { metaKey: true, altKey: true })],
    ['screenshot', key('PrintScreen')],
    ['screenshot', key('S', { metaKey: true, shiftKey: true })],
    // Russian layout: the physical C key types "с" (Cyrillic) but is still copy.
    ['copy', key('с', { ctrlKey: true }, 'KeyC')],
  ] as const)('treats %s keys as forbidden', (action, event) => {
    expect(classifyHotkey(event)).toBe(action);
  });

  it.each([key('c'), key('v'), key('Enter'), key('z', { ctrlKey: true }), key('ArrowLeft', { ctrlKey: true }), key('F5'), key('Delete')])('lets %o through', (event) => {
    expect(classifyHotkey(event)).toBeNull();
  });
});

class FakeWindow extends EventTarget implements MonitoredWindow {
  devicePixelRatio = 1;
  visualViewport = Object.assign(new EventTarget(), { scale: 1 });
  screen = Object.assign(new EventTarget(), { isExtended: false });
  navigationType = 'navigate';
  performance = { getEntriesByType: (type: string) => (type === 'navigation' ? [{ type: this.navigationType }] : []) };
}

class FakeDocument extends EventTarget implements MonitoredDocument {
  visibilityState = 'visible';
  fullscreenElement: unknown = {};
  documentElement: MonitoredDocument['documentElement'] = null;
  isFocused = true;
  hasFocus() {
    return this.isFocused;
  }
}

function setUp(policy = DEFAULT_BROWSER_MONITOR_POLICY) {
  const win = new FakeWindow();
  const doc = new FakeDocument();
  const signals: BrowserSignal[] = [];
  let clock = 0;
  const monitor = createBrowserMonitor({ onSignal: (s) => signals.push(s), policy, window: win, document: doc, now: () => ++clock });
  const summary = () => signals.map((s) => `${s.kind}:${s.phase}`);
  const fire = (target: EventTarget, type: string, extra: object = {}) => {
    const event = Object.assign(new Event(type, { cancelable: true }), extra);
    target.dispatchEvent(event);
    return event;
  };
  return { win, doc, monitor, signals, summary, fire };
}

describe('browser monitor', () => {
  it('reports nothing on a calm start', () => {
    const { monitor, signals } = setUp();
    monitor.start();
    expect(signals).toEqual([]);
  });

  it('reports the window losing and regaining focus', () => {
    const { win, monitor, summary, fire } = setUp();
    monitor.start();
    fire(win, 'blur');
    fire(win, 'blur');
    fire(win, 'focus');
    expect(summary()).toEqual(['focus-lost:start', 'focus-lost:end']);
  });

  it('ignores an element losing focus inside the page (its blur reaches the window in the capture phase)', () => {
    const { win, monitor, summary } = setUp();
    monitor.start();
    const option = new EventTarget();
    for (const type of ['blur', 'focus']) {
      const event = new Event(type);
      Object.defineProperty(event, 'target', { value: option });
      win.dispatchEvent(event);
    }
    expect(summary()).toEqual([]);
  });

  it('reports a hidden tab until it is visible again', () => {
    const { doc, monitor, summary, fire } = setUp();
    monitor.start();
    doc.visibilityState = 'hidden';
    fire(doc, 'visibilitychange');
    doc.visibilityState = 'visible';
    fire(doc, 'visibilitychange');
    expect(summary()).toEqual(['tab-hidden:start', 'tab-hidden:end']);
  });

  it('reports leaving fullscreen, and a start outside fullscreen, when fullscreen is required', () => {
    const { doc, monitor, summary, fire } = setUp();
    monitor.start();
    doc.fullscreenElement = null;
    fire(doc, 'fullscreenchange');
    doc.fullscreenElement = {};
    fire(doc, 'fullscreenchange');
    expect(summary()).toEqual(['fullscreen-left:start', 'fullscreen-left:end']);

    const other = setUp({ ...DEFAULT_BROWSER_MONITOR_POLICY, isFullscreenRequired: false });
    other.doc.fullscreenElement = null;
    other.monitor.start();
    expect(other.summary()).toEqual([]);
  });

  it('asks for fullscreen at start, and reports a start outside it only once the browser refuses', async () => {
    const granted = setUp();
    granted.doc.fullscreenElement = null;
    const requests: string[] = [];
    granted.doc.documentElement = {
      requestFullscreen: async () => {
        requests.push('granted');
        granted.doc.fullscreenElement = {};
        granted.fire(granted.doc, 'fullscreenchange');
      },
    };
    granted.monitor.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(requests).toEqual(['granted']);
    expect(granted.summary()).toEqual([]);

    const refused = setUp();
    refused.doc.fullscreenElement = null;
    refused.doc.documentElement = { requestFullscreen: () => Promise.reject(new TypeError('no user gesture')) };
    refused.monitor.start();
    expect(refused.summary()).toEqual([]);
    await new Promise((done) => setTimeout(done, 0));
    expect(refused.summary()).toEqual(['fullscreen-left:start']);
  });

  it('takes the candidate back to fullscreen on their next click or key, but not on Escape', async () => {
    const { doc, win, monitor, summary, fire } = setUp();
    const requests: string[] = [];
    doc.documentElement = {
      requestFullscreen: async () => {
        requests.push('asked');
        doc.fullscreenElement = {};
        fire(doc, 'fullscreenchange');
      },
    };
    monitor.start();
    doc.fullscreenElement = null;
    fire(doc, 'fullscreenchange');
    fire(win, 'keydown', { key: 'Escape', code: 'Escape' });
    expect(requests).toEqual([]);
    fire(win, 'pointerdown');
    await new Promise((done) => setTimeout(done, 0));
    expect(requests).toEqual(['asked']);
    expect(summary()).toEqual(['fullscreen-left:start', 'fullscreen-left:end']);
    // In fullscreen, clicks ask for nothing.
    fire(win, 'pointerdown');
    fire(win, 'keydown', { key: 'a', code: 'KeyA' });
    expect(requests).toEqual(['asked']);
  });

  it('never asks for fullscreen when the policy does not require it', () => {
    const { doc, win, monitor, fire } = setUp({ ...DEFAULT_BROWSER_MONITOR_POLICY, isFullscreenRequired: false });
    let asked = 0;
    doc.fullscreenElement = null;
    doc.documentElement = { requestFullscreen: async () => void asked++ };
    monitor.start();
    fire(win, 'pointerdown');
    expect(asked).toBe(0);
  });

  it('blocks and reports forbidden hotkeys, and lets other keys be', () => {
    const { win, monitor, signals, fire } = setUp();
    monitor.start();
    const copy = fire(win, 'keydown', key('c', { ctrlKey: true }));
    const typing = fire(win, 'keydown', key('c'));
    expect(copy.defaultPrevented).toBe(true);
    expect(typing.defaultPrevented).toBe(false);
    expect(signals).toEqual([{ kind: 'hotkey', phase: 'instant', atMs: 1, detail: { action: 'copy', key: 'c' } }]);
  });

  it('reports without blocking when blocking is off', () => {
    const { win, monitor, signals, fire } = setUp({ ...DEFAULT_BROWSER_MONITOR_POLICY, isBlocking: false });
    monitor.start();
    expect(fire(win, 'keydown', key('v', { ctrlKey: true })).defaultPrevented).toBe(false);
    expect(signals.map((s) => s.detail.action)).toEqual(['paste']);
  });

  it('blocks clipboard events and the context menu, and reports print and PrintScreen', () => {
    const { win, doc, monitor, summary, fire } = setUp();
    monitor.start();
    expect(fire(doc, 'paste').defaultPrevented).toBe(true);
    expect(fire(doc, 'contextmenu').defaultPrevented).toBe(true);
    fire(win, 'beforeprint');
    fire(win, 'keyup', key('PrintScreen'));
    expect(summary()).toEqual(['clipboard:instant', 'context-menu:instant', 'print:instant', 'hotkey:instant']);
  });

  it('reports a page zoom and a pinch zoom, and their end', () => {
    const { win, monitor, signals, summary, fire } = setUp();
    monitor.start();
    win.devicePixelRatio = 1.25;
    fire(win, 'resize');
    expect(signals.at(-1)!.detail).toMatchObject({ pageZoom: 1.25 });
    win.devicePixelRatio = 1;
    fire(win, 'resize');
    win.visualViewport.scale = 2;
    fire(win.visualViewport, 'resize');
    win.visualViewport.scale = 1;
    fire(win.visualViewport, 'resize');
    expect(summary()).toEqual(['zoom-changed:start', 'zoom-changed:end', 'zoom-changed:start', 'zoom-changed:end']);
  });

  it("counts a zoom only beyond the package's tolerance", () => {
    const packagePolicy = ProctoringPolicy.parse({ isCameraRequired: false, signals: {}, zoomTolerancePercent: 15 });
    const { win, monitor, summary, fire } = setUp(browserMonitorPolicy(packagePolicy));
    monitor.start();
    // 10 % is over the default 5 % but under this package's 15 %.
    win.devicePixelRatio = 1.1;
    fire(win, 'resize');
    win.visualViewport.scale = 0.9;
    fire(win.visualViewport, 'resize');
    expect(summary()).toEqual([]);
    win.devicePixelRatio = 1.2;
    fire(win, 'resize');
    expect(summary()).toEqual(['zoom-changed:start']);
  });

  it('reports a second screen at start and when one is plugged in or out', () => {
    const { win, monitor, summary, fire } = setUp();
    win.screen.isExtended = true;
    monitor.start();
    win.screen.isExtended = false;
    fire(win.screen, 'change');
    expect(summary()).toEqual(['second-screen:start', 'second-screen:end']);
  });

  it('reports a reload once at start', () => {
    const { win, monitor, signals } = setUp();
    win.navigationType = 'reload';
    monitor.start();
    monitor.start();
    expect(signals).toEqual([{ kind: 'reload', phase: 'instant', atMs: 1, detail: { navigationType: 'reload' } }]);
  });

  it('reports a page that starts without focus', () => {
    const { doc, monitor, summary } = setUp();
    doc.isFocused = false;
    monitor.start();
    expect(summary()).toEqual(['focus-lost:start']);
  });

  it('stops listening on stop() and ends what was in force', () => {
    const { win, monitor, summary, fire } = setUp();
    monitor.start();
    fire(win, 'blur');
    monitor.stop();
    fire(win, 'focus');
    fire(win, 'blur');
    fire(win, 'keydown', key('p', { ctrlKey: true }));
    expect(summary()).toEqual(['focus-lost:start', 'focus-lost:end']);
    expect(monitor.activeConditions()).toEqual([]);
  });
});
