/**
 * The face monitor on the real exam page: a demo hub and venue, a candidate whose fake
 * camera shows one face, signed in, photographed, authorised and answering items by
 * keyboard for `seconds` while the monitor runs; the longest main-thread task
 * ('longtask' PerformanceObserver) in that time. Needs `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoVenue } from '../e2e/pages/demo-venue';
import { answerFor, FACE_KINDS, launchWithCamera, signInCandidate, violationsOf, waitForIdentityPhoto } from '../e2e/pages/proctored-candidate';
import { FIXTURES_DIR, ROOT } from '../support/face-harness';
import { writeFilmAsY4m } from '../support/y4m';

export interface ExamPageFigures {
  longestMainThreadTaskMs: number;
  longTasks: number;
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
    const run = await answerFor(session, seconds);
    const events = session.venueEvents();
    return {
      ...run,
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
