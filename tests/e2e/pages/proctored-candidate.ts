/**
 * A candidate's PC with a camera, for the proctoring tests and the face benchmark:
 * Chromium with a fake camera showing a Y4M film made from the fixture photos, every
 * request recorded, the candidate taken from sign-in through the identity photo to the
 * exam screen, and the venue's log read back for the attempt's proctoring events.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import type { ChainedEvent } from '../../../sync/events';
import { CITIZENSHIP_SESSION_ID } from '../../../hub/demo/index';
import { launchBrowser, newDesktopContext, recordRequests, type RequestLog } from '../../support/browser';
import { FIXTURES_DIR } from '../../support/face-harness';
import { writeFilmAsY4m } from '../../support/y4m';
import { CandidatePage } from './candidate-page';
import { demoCandidates, demoProctorFor, ProctorTablet, venueEventsOf, type DemoVenue } from './demo-venue';

/** Chromium whose camera shows `cameraFile`; with `isCameraDenied` the page is refused the camera; `args` are more flags. */
export function launchWithCamera(cameraFile: string | null, options: { isCameraDenied?: boolean; args?: string[] } = {}): Promise<Browser> {
  const camera = ['--use-fake-device-for-media-stream', ...(cameraFile ? [`--use-file-for-fake-video-capture=${cameraFile}`] : []), ...(options.args ?? [])];
  return launchBrowser(options.isCameraDenied ? [...camera, '--deny-permission-prompts'] : ['--use-fake-ui-for-media-stream', ...camera]);
}

/**
 * Chromium flags for a classroom PC whose camera shows one candidate sitting still:
 * what every candidate flow needs, since the demo package requires a camera and an
 * identity photo.
 */
export function candidateCameraArgs(): string[] {
  const folder = join(tmpdir(), 'exam-e2e-camera');
  const cameraFile = join(folder, 'one-face.y4m');
  if (!existsSync(cameraFile)) {
    mkdirSync(folder, { recursive: true });
    // Written aside and renamed, so a test file starting at the same moment never reads half a film.
    const partial = `${cameraFile}.${process.pid}`;
    writeFilmAsY4m([[join(FIXTURES_DIR, 'portrait_227943776_1.jpg'), 1]], partial);
    renameSync(partial, cameraFile);
  }
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${cameraFile}`];
}

/** Chromium as a classroom PC with that camera. */
export function launchCandidateBrowser(): Promise<Browser> {
  return launchBrowser(candidateCameraArgs());
}

export interface ProctoredSession {
  context: BrowserContext;
  candidate: CandidatePage;
  requests: RequestLog;
  attemptId: string;
  candidateId: string;
  roomId: string;
  /** The attempt's events as the venue holds them. */
  venueEvents(): ChainedEvent[];
  /** Polls the venue's log until `check` finds what it wants. */
  waitForVenue<T>(check: (events: ChainedEvent[]) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Lets the proctor authorise the start. */
  authorise(): Promise<void>;
}

/**
 * Opens a fresh context for demo candidate `index` and signs in up to the wait page.
 * `options.contextOptions` and `options.beforeOpen` (e.g. a route that breaks a file)
 * shape the PC before the first page loads.
 */
export async function signInCandidate(
  world: DemoVenue,
  browser: Browser,
  index: number,
  options: { contextOptions?: BrowserContextOptions; beforeOpen?: (context: BrowserContext) => Promise<void> } = {},
): Promise<ProctoredSession> {
  const credential = demoCandidates()[index];
  if (!credential) throw new Error(`no demo candidate ${index}`);
  const attemptId = `${CITIZENSHIP_SESSION_ID}.${credential.candidateId}`;
  const context = await newDesktopContext(browser, { locale: 'ru-RU', ...options.contextOptions });
  await options.beforeOpen?.(context);
  const requests = recordRequests(context);
  // Long tasks on the main thread, from the first script on: the exam page is an SPA route of this one load.
  await context.addInitScript(() => {
    const tasks: Array<{ startTime: number; duration: number }> = [];
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push({ startTime: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask' });
    } catch {
      // no Long Tasks API: nothing recorded
    }
  });
  // The camera streams the page opens, so a test can pull the camera away (see loseCamera).
  await context.addInitScript(() => {
    const streams: MediaStream[] = [];
    (window as unknown as { cameraStreams: MediaStream[] }).cameraStreams = streams;
    const devices = navigator.mediaDevices;
    if (!devices?.getUserMedia) return;
    const open = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      streams.push(stream);
      return stream;
    };
  });
  const candidate = new CandidatePage(await context.newPage(), world.venue.url);
  await candidate.open('/');
  await candidate.chooseLanguage('ru');
  const refused = await candidate.signIn(credential.iin, credential.accessCode);
  if (refused) throw new Error(`sign-in refused: ${refused}`);
  await candidate.confirmRulesAndCheck();
  const venueEvents = () => venueEventsOf(world.venue, attemptId);
  return {
    context, candidate, requests, attemptId, candidateId: credential.candidateId, roomId: credential.roomId, venueEvents,
    async waitForVenue(check, timeoutMs = 30_000) {
      const started = Date.now();
      for (;;) {
        const found = check(venueEvents());
        if (found) return found;
        if (Date.now() - started > timeoutMs) throw new Error(`the venue never held what was expected; it holds: ${venueEvents().map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    async authorise() {
      const tablet = new ProctorTablet(world.venue.url);
      const proctor = demoProctorFor(credential.roomId);
      await tablet.signIn(proctor.username, proctor.pin);
      await tablet.authorise(CITIZENSHIP_SESSION_ID, credential.candidateId);
    },
  };
}

/** Waits for the identity photo to be taken on the wait page. */
export async function waitForIdentityPhoto(session: ProctoredSession, timeoutMs = 45_000): Promise<void> {
  await session.candidate.page.locator('[data-testid="identity-photo"][data-state="taken"]').waitFor({ timeout: timeoutMs });
}

/**
 * Answers items by keyboard for `seconds` (an option, then the next item, twice a
 * second), and returns the longest main-thread task seen meanwhile, in ms (0 if none).
 */
export async function answerFor(session: ProctoredSession, seconds: number): Promise<{ longestMainThreadTaskMs: number; longTasks: number }> {
  const page = session.candidate.page;
  const since = await page.evaluate(() => performance.now());
  const until = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < until; i++) {
    await session.candidate.pressOption(1 + (i % 2));
    if (i % 2 === 1) await session.candidate.nextByKeyboard();
    await page.waitForTimeout(500);
  }
  const tasks = await page.evaluate((from) => ((window as unknown as { longTasks?: Array<{ startTime: number; duration: number }> }).longTasks ?? []).filter((t) => t.startTime >= from), since);
  return { longestMainThreadTaskMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))), longTasks: tasks.length };
}

export const FACE_KINDS = ['no-face', 'multiple-faces', 'head-turned', 'camera-dark', 'camera-lost'] as const;

/** The attempt's `violation.started` events of a kind, as the venue holds them. */
export function violationsOf(events: ChainedEvent[], kind: string): Array<Extract<ChainedEvent, { type: 'violation.started' }>> {
  return events.filter((e): e is Extract<ChainedEvent, { type: 'violation.started' }> => e.type === 'violation.started' && e.data.kind === kind);
}

/** Ends every camera track the page holds, as an unplugged camera or a revoked permission does. */
export async function loseCamera(session: ProctoredSession): Promise<number> {
  return session.candidate.page.evaluate(() => {
    const tracks = (window as unknown as { cameraStreams: MediaStream[] }).cameraStreams.flatMap((stream) => stream.getVideoTracks());
    for (const track of tracks) track.stop();
    return tracks.length;
  });
}
