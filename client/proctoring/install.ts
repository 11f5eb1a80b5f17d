/**
 * Plugs proctoring into the candidate's attempt (client/candidate/proctoring-hooks.ts):
 * monitoring from the test's start to its end. The identity photo has a screen of its
 * own on the wait page (CandidateIdentityPhoto).
 *
 * The "finish the test?" page is still part of the test, so leaving the exam screen
 * for it keeps the monitor running; it stops once the candidate is on neither page.
 */
import { registerAttemptHooks } from '../candidate/proctoring-hooks';
import { startAttemptMonitoring } from './attempt-monitor';
import { installProctoringMessages } from './messages';

/** Pages during which the attempt is being monitored. */
const MONITORED_PATHS = new Set(['/exam', '/finish']);
const LEAVE_CHECK_MS = 300;

let isInstalled = false;
let running: { attemptId: string; stop: () => void; leaveCheck: ReturnType<typeof setInterval> | null } | null = null;

function stopRunning(): void {
  if (!running) return;
  if (running.leaveCheck !== null) clearInterval(running.leaveCheck);
  running.stop();
  running = null;
}

/** Registers the proctoring hooks and texts (once). */
export function installProctoring(): void {
  installProctoringMessages();
  if (isInstalled) return;
  registerAttemptHooks({
    startMonitoring(context) {
      if (running?.attemptId !== context.attemptId) {
        stopRunning();
        running = { attemptId: context.attemptId, stop: startAttemptMonitoring(context), leaveCheck: null };
      } else if (running.leaveCheck !== null) {
        clearInterval(running.leaveCheck);
        running.leaveCheck = null;
      }
      const mine = running;
      return () => {
        if (running !== mine || mine.leaveCheck !== null) return;
        // Called as the exam screen unmounts, before the next page's address is known.
        mine.leaveCheck = setInterval(() => {
          if (!MONITORED_PATHS.has(location.pathname)) stopRunning();
        }, LEAVE_CHECK_MS);
      };
    },
  });
  isInstalled = true;
}
