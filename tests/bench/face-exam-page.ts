/**
 * The face monitor on the real exam page: a demo hub and venue, a candidate whose fake
 * camera shows one face, signed in, photographed, authorised and answering items by
 * keyboard for `seconds` while the monitor runs; every main-thread task in that time
 * from a Chromium trace (the 'longtask' observer, which sees only tasks over 50 ms,
 * is kept as a cross-check). Needs `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoVenue } from '../e2e/pages/demo-venue';
import { answerFor, FACE_KINDS, launchWithCamera, signInCandidate, violationsOf, waitForIdentityPhoto } from '../e2e/pages/proctored-candidate';
import { FIXTURES_DIR, ROOT } from '../support/face-harness';
import { traceMainThread, type MainThreadTasks } from '../support/main-thread-trace';
import { writeFilmAsY4m } from '../support/y4m';

export interface ExamPageFigures {
  /** Longest task of the page's main thread while answering with the monitor on (trace). */
  longestMainThreadTaskMs: number;
  mainThread: MainThreadTasks;
  /** Tasks over 50 ms the page's own 'longtask' observer saw (a cross-check of the trace). */
  longTasksObserved: number;
  /** The monitor reported itself ok and never degraded or stopped while answering. */
  monitorWasOk: boolean;
  answeringSeconds: number;
  /** Camera violations raised while one face sat still (0 expected). */
  faceViolations: number;
  offOriginRequests: string[];
}

export async function measureExamPage(seconds = 20): Promise<ExamPageFigures> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  const scratch = mkdtempSync(join(tmpdir(), 'face-exam-bench-'));
  const cameraFile = join(scratch, 'camera.y4m');
  writeFilmAsY4m([[join(FIXTURES_DIR, 'portrait_227943776_1.jpg'), 1]], cameraFile);
  const world = await startDemoVenue();
  const browser = await launchWithCamera(cameraFile);
  try {
    const session = await signInCandidate(world, browser, 25);
    await waitForIdentityPhoto(session);
    await session.authorise();
    await session.candidate.startWhenAuthorised();
    await session.waitForVenue((events) => events.some((e) => e.type === 'monitor.health' && e.data.state === 'ok'));
    const { result: run, mainThread } = await traceMainThread(browser, session.candidate.page, () => answerFor(session, seconds));
    const events = session.venueEvents();
    const health = events.filter((e) => e.type === 'monitor.health').map((e) => (e.type === 'monitor.health' ? e.data.state : null));
    return {
      longestMainThreadTaskMs: mainThread.longestMs,
      mainThread,
      longTasksObserved: run.longTasks,
      monitorWasOk: health.includes('ok') && !health.includes('degraded') && !health.includes('stopped'),
      answeringSeconds: seconds,
      faceViolations: FACE_KINDS.reduce((sum, kind) => sum + violationsOf(events, kind).length, 0),
      offOriginRequests: session.requests.offOrigin(world.venue.url),
    };
  } finally {
    await browser.close();
    await world.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
