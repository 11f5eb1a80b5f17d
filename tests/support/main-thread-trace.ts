/**
 * Every task a page's main thread ran, from a Chromium trace (the `RunTask`
 * slices DevTools' Performance panel shows), with what ran inside the longest.
 *
 * The 'longtask' PerformanceObserver and Long Animation Frames report only
 * tasks over 50 ms, so "none reported" says nothing about how long the longest
 * one was; the trace sees them all.
 */
import type { Browser, Page } from 'playwright-core';

export interface MainThreadTasks {
  /** Tasks the page's main thread ran while traced. */
  tasks: number;
  longestMs: number;
  p99Ms: number;
  /** Tasks longer than one 60 Hz frame. */
  over16Ms: number;
  /** Tasks the 'longtask' observer would have reported. */
  over50Ms: number;
  /** The longest tasks, longest first, each with the work that filled most of it. */
  longest: Array<{ ms: number; what: string }>;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

const CATEGORIES = ['__metadata', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'];
/** Slices that name the work inside a task. */
const WORK = new Set([
  'FunctionCall', 'EventDispatch', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'v8.callFunction', 'V8.Execute',
  'ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint',
  'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'XHRReadyStateChange', 'HandlePostMessage', 'ResourceReceivedData',
]);

const round = (ms: number) => Math.round(ms * 10) / 10;

function label(event: TraceEvent): string {
  const data = event.args?.data ?? {};
  const file = typeof data.url === 'string' && data.url !== '' ? `${data.url.split('/').pop()}${typeof data.lineNumber === 'number' ? `:${data.lineNumber}` : ''}` : undefined;
  const what = [data.type, data.functionName, file].filter((part) => typeof part === 'string' && part !== '');
  return what.length > 0 ? `${event.name}(${what.join(' ')})` : event.name;
}

/** The main thread's tasks in a trace, for the renderer that shows the page's main frame. */
export function mainThreadTasks(events: TraceEvent[]): MainThreadTasks {
  const started = events.filter((e) => e.name === 'TracingStartedInBrowser');
  const frames = started.flatMap((e) => ((e.args?.data?.frames ?? []) as Array<{ processId?: number; isOutermostMainFrame?: boolean }>));
  const pageProcess = frames.find((frame) => frame.isOutermostMainFrame)?.processId;
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && (pageProcess === undefined || e.pid === pageProcess)).map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`));
  const tasks = onMain.filter((e) => e.name === 'RunTask').sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  const durations = tasks.map((t) => (t.dur ?? 0) / 1000);
  const inside = (task: TraceEvent) => {
    const end = task.ts + (task.dur ?? 0);
    const within = onMain.filter((e) => e !== task && e.name !== 'RunTask' && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
    // Named work if there is any; otherwise whatever slices the browser recorded inside.
    const work = within.some((e) => WORK.has(e.name)) ? within.filter((e) => WORK.has(e.name)) : within;
    const top = work.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, 3);
    return top.map((e) => `${label(e)} ${round((e.dur ?? 0) / 1000)} ms`).join(', ') || 'no slice recorded inside';
  };
  const ascending = [...durations].sort((a, b) => a - b);
  return {
    tasks: tasks.length,
    longestMs: round(durations[0] ?? 0),
    p99Ms: round(ascending[Math.max(0, Math.ceil(0.99 * ascending.length) - 1)] ?? 0),
    over16Ms: durations.filter((d) => d > 16).length,
    over50Ms: durations.filter((d) => d > 50).length,
    longest: tasks.slice(0, 5).map((task) => ({ ms: round((task.dur ?? 0) / 1000), what: inside(task) })),
  };
}

/** Runs `body` while Chromium traces the page, and returns its result with the main thread's tasks meanwhile. */
export async function traceMainThread<T>(browser: Browser, page: Page, body: () => Promise<T>): Promise<{ result: T; mainThread: MainThreadTasks }> {
  await browser.startTracing(page, { categories: CATEGORIES });
  let result: T;
  try {
    result = await body();
  } catch (error) {
    await browser.stopTracing().catch(() => undefined);
    throw error;
  }
  const trace = await browser.stopTracing();
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  if (events.length === 0) throw new Error('the Chromium trace came back empty');
  return { result, mainThread: mainThreadTasks(events) };
}
