/**
 * Watches the exam page for what the proctoring rules forbid in the browser:
 * leaving the window or tab, leaving fullscreen, copy/paste/print/devtools
 * hotkeys, the context menu, zooming, a second screen, and a reload. Each
 * becomes a signal through one callback; conditions that last get a start and
 * an end, one-off acts are `instant`. Blocked acts are prevented where the
 * browser allows it and always reported.
 *
 * When fullscreen is required the monitor also asks for it: at start (the
 * candidate's click on "start" still counts as a user gesture) and on the
 * candidate's next click or key after leaving it, so the way back is one click.
 * A start outside fullscreen is reported only once the first request has failed.
 *
 * The window and document are passed in, so the logic runs against any
 * EventTarget (the unit test uses plain ones).
 */

export type BrowserSignalKind =
  | 'focus-lost'
  | 'tab-hidden'
  | 'fullscreen-left'
  | 'hotkey'
  | 'clipboard'
  | 'print'
  | 'context-menu'
  | 'zoom-changed'
  | 'second-screen'
  | 'reload';

export interface BrowserSignal {
  kind: BrowserSignalKind;
  phase: 'start' | 'end' | 'instant';
  atMs: number;
  detail: Record<string, string | number | boolean>;
}

export type HotkeyAction = 'copy' | 'cut' | 'paste' | 'print' | 'save' | 'view-source' | 'devtools' | 'screenshot';

export interface BrowserMonitorPolicy {
  /** Report fullscreen-left when the page is not (or no longer) fullscreen. */
  isFullscreenRequired: boolean;
  /** preventDefault on forbidden hotkeys, clipboard events and the context menu. */
  isBlocking: boolean;
  /** A page zoom or pinch zoom further than this from the start (0.05 = 5 %) counts; the package sets it (policy.ts). */
  zoomTolerance: number;
}

export const DEFAULT_BROWSER_MONITOR_POLICY: BrowserMonitorPolicy = { isFullscreenRequired: true, isBlocking: true, zoomTolerance: 0.05 };

const COMMAND_LETTERS: Record<string, HotkeyAction> = { c: 'copy', x: 'cut', v: 'paste', p: 'print', s: 'save', u: 'view-source' };

/** What a keydown amounts to, or null if it is allowed. */
export function classifyHotkey(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): HotkeyAction | null {
  const { key, code, ctrlKey, metaKey, shiftKey, altKey } = event;
  if (key === 'F12') return 'devtools';
  if (key === 'PrintScreen' || code === 'PrintScreen') return 'screenshot';
  if (key === 'Insert' && shiftKey) return 'paste';
  if (key === 'Insert' && ctrlKey) return 'copy';
  if (key === 'Delete' && shiftKey) return 'cut';
  if (!ctrlKey && !metaKey) return null;
  // Letters by physical key, so that a Kazakh or Russian layout cannot slip past.
  const letter = /^Key[A-Z]$/.test(code) ? code.slice(3).toLowerCase() : key.toLowerCase();
  if ((shiftKey || altKey) && ['i', 'j', 'c'].includes(letter)) return 'devtools';
  if (metaKey && shiftKey && letter === 's') return 'screenshot'; // Windows snipping tool
  if (shiftKey && letter === 'v') return 'paste'; // paste as plain text
  if (shiftKey || altKey) return null;
  return COMMAND_LETTERS[letter] ?? null;
}

/** The parts of `window` the monitor uses. */
export interface MonitoredWindow extends EventTarget {
  devicePixelRatio: number;
  visualViewport?: (EventTarget & { scale: number }) | null;
  screen: { isExtended?: boolean; addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
  performance: { getEntriesByType(type: string): { type?: string }[] };
}

/** The parts of `document` the monitor uses. */
export interface MonitoredDocument extends EventTarget {
  visibilityState: string;
  fullscreenElement: unknown;
  hasFocus(): boolean;
  /** Browsers refuse the request without a recent user gesture. */
  documentElement?: { requestFullscreen?(): Promise<void> } | null;
}

export interface BrowserMonitorOptions {
  onSignal: (signal: BrowserSignal) => void;
  policy?: BrowserMonitorPolicy;
  window?: MonitoredWindow;
  document?: MonitoredDocument;
  now?: () => number;
}

export interface BrowserMonitor {
  start(): void;
  stop(): void;
  /** Conditions now in force. */
  activeConditions(): BrowserSignalKind[];
}

type Condition = 'focus-lost' | 'tab-hidden' | 'fullscreen-left' | 'zoom-changed' | 'second-screen';

/** Creates a monitor; nothing is watched until `start()`. */
export function createBrowserMonitor(options: BrowserMonitorOptions): BrowserMonitor {
  const policy = options.policy ?? DEFAULT_BROWSER_MONITOR_POLICY;
  const win = options.window ?? (window as unknown as MonitoredWindow);
  const doc = options.document ?? (document as unknown as MonitoredDocument);
  const now = options.now ?? (() => performance.now());
  const active = new Set<Condition>();
  const removers: (() => void)[] = [];
  let baselinePixelRatio = 1;

  const emit = (kind: BrowserSignalKind, phase: BrowserSignal['phase'], detail: BrowserSignal['detail'] = {}) =>
    options.onSignal({ kind, phase, atMs: now(), detail });

  function setCondition(kind: Condition, isTrue: boolean, detail: BrowserSignal['detail'] = {}): void {
    if (isTrue === active.has(kind)) return;
    if (isTrue) active.add(kind);
    else active.delete(kind);
    emit(kind, isTrue ? 'start' : 'end', detail);
  }

  function listen(target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null | undefined, type: string, handler: (event: Event) => void): void {
    if (!target?.addEventListener) return;
    const options = { capture: true };
    target.addEventListener(type, handler, options);
    removers.push(() => target.removeEventListener?.(type, handler, options));
  }

  function block(event: Event): void {
    if (policy.isBlocking && event.cancelable) event.preventDefault();
  }

  function checkZoom(): void {
    const pageZoom = win.devicePixelRatio / baselinePixelRatio;
    const pinchZoom = win.visualViewport?.scale ?? 1;
    const isZoomed = Math.abs(pageZoom - 1) > policy.zoomTolerance || Math.abs(pinchZoom - 1) > policy.zoomTolerance;
    setCondition('zoom-changed', isZoomed, { pageZoom: Math.round(pageZoom * 100) / 100, pinchZoom: Math.round(pinchZoom * 100) / 100 });
  }

  function checkScreens(): void {
    if (typeof win.screen.isExtended === 'boolean') setCondition('second-screen', win.screen.isExtended);
  }

  function checkFullscreen(): void {
    if (policy.isFullscreenRequired && removers.length > 0) setCondition('fullscreen-left', !doc.fullscreenElement);
  }

  const canAskForFullscreen = () => policy.isFullscreenRequired && !doc.fullscreenElement && typeof doc.documentElement?.requestFullscreen === 'function';

  /** Asks for fullscreen if it is required and not in force; settles once the browser has answered. */
  async function enterFullscreen(): Promise<void> {
    if (!canAskForFullscreen()) return;
    try {
      await doc.documentElement!.requestFullscreen!();
    } catch {
      // no user gesture, or the browser forbids it: the fullscreen-left condition says so
    }
  }

  return {
    start() {
      if (removers.length > 0) return;
      baselinePixelRatio = win.devicePixelRatio || 1;
      const [navigation] = win.performance.getEntriesByType('navigation');
      if (navigation?.type === 'reload' || navigation?.type === 'back_forward') emit('reload', 'instant', { navigationType: navigation.type });

      // Capture listeners on the window also hear every element's blur and focus (moving
      // between answer options); only the window's own events mean the test lost focus.
      listen(win, 'blur', (event) => {
        if (event.target === win) setCondition('focus-lost', true);
      });
      listen(win, 'focus', (event) => {
        if (event.target !== win) return;
        setCondition('focus-lost', false);
        checkScreens();
      });
      listen(doc, 'visibilitychange', () => setCondition('tab-hidden', doc.visibilityState === 'hidden'));
      listen(doc, 'fullscreenchange', checkFullscreen);
      // The candidate's next gesture after leaving fullscreen takes them back.
      listen(win, 'pointerdown', () => void enterFullscreen());
      listen(win, 'keydown', (event) => {
        if ((event as KeyboardEvent).key !== 'Escape') void enterFullscreen();
        const action = classifyHotkey(event as KeyboardEvent);
        if (!action) return;
        block(event);
        emit('hotkey', 'instant', { action, key: (event as KeyboardEvent).key });
      });
      // PrintScreen reaches pages only on keyup, and cannot be stopped.
      listen(win, 'keyup', (event) => {
        if ((event as KeyboardEvent).key === 'PrintScreen') emit('hotkey', 'instant', { action: 'screenshot', key: 'PrintScreen' });
      });
      for (const action of ['copy', 'cut', 'paste'] as const) {
        listen(doc, action, (event) => {
          block(event);
          emit('clipboard', 'instant', { action });
        });
      }
      listen(win, 'beforeprint', () => emit('print', 'instant'));
      listen(doc, 'contextmenu', (event) => {
        block(event);
        emit('context-menu', 'instant');
      });
      listen(win, 'resize', checkZoom);
      listen(win.visualViewport, 'resize', checkZoom);
      listen(win.screen as EventTarget, 'change', checkScreens);

      if (!doc.hasFocus()) setCondition('focus-lost', true);
      if (doc.visibilityState === 'hidden') setCondition('tab-hidden', true);
      if (canAskForFullscreen()) void enterFullscreen().finally(checkFullscreen);
      else checkFullscreen();
      checkScreens();
      checkZoom();
    },
    stop() {
      for (const remove of removers.splice(0)) remove();
      for (const kind of [...active]) setCondition(kind, false, { isStopped: true });
    },
    activeConditions() {
      return [...active];
    },
  };
}
