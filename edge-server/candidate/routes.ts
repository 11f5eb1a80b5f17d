/**
 * The candidate's API at the venue, mounted at `/api/candidate`. Sign-in sets an
 * httpOnly, SameSite=Strict cookie bound to the candidate, their attempt, seat and PC;
 * every other route needs it. The package goes out sealed only; the key only after
 * release and the proctor's authorisation; the answer key never.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { Id } from '../../sync/events';
import type { VenueDeps, VenueEnv } from '../context';
import type { CandidateSessionRow } from '../db/candidate-repo';
import { ApiError } from '../errors';
import { validate } from '../validate';
import { proctorService } from '../proctor/service';
import { CandidateService } from './service';

export const CANDIDATE_COOKIE = 'candidate_session';

const services = new WeakMap<VenueDeps, CandidateService>();

/** The candidate service of this venue (one per app, built on first use). */
export function candidateService(deps: VenueDeps): CandidateService {
  let service = services.get(deps);
  if (!service) {
    services.set(deps, (service = new CandidateService({
      store: deps.store, ingest: deps.ingest, answerKeyFor: deps.answerKeyFor,
      trustedTablets: (session, roomId) => proctorService(deps).trustedTablets(session, roomId),
      roomClosure: (session, roomId) => proctorService(deps).roomClosure(session, roomId),
    })));
  }
  return service;
}

const LoginBody = z.object({
  iin: z.string().max(40),
  accessCode: z.string().trim().min(1).max(64),
  deviceId: Id,
});

function signedIn(c: Context<VenueEnv>): { service: CandidateService; row: CandidateSessionRow } {
  const service = candidateService(c.var.deps);
  const row = service.sessionFor(getCookie(c, CANDIDATE_COOKIE));
  if (!row) throw new ApiError(401, 'not-signed-in', 'Sign in first.');
  // Every signed-in request is a heartbeat: a PC with nothing to push is still heard from.
  proctorService(c.var.deps).noteContact(row.deviceId);
  return { service, row };
}

export const candidateRoutes = new Hono<VenueEnv>()
  .post('/login', validate('json', LoginBody), async (c) => {
    const service = candidateService(c.var.deps);
    const { token, profile } = await service.login(c.req.valid('json'), c.var.deps.remoteAddress(c) ?? 'local');
    setCookie(c, CANDIDATE_COOKIE, token, {
      // Kept across a browser restart (a PC that crashed resumes), never past the exam day.
      httpOnly: true, sameSite: 'Strict', path: '/api/candidate', maxAge: 12 * 60 * 60, secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.json({ profile });
  })
  .post('/logout', (c) => {
    deleteCookie(c, CANDIDATE_COOKIE, { path: '/api/candidate' });
    return c.json({ isSignedOut: true });
  })
  .get('/me', (c) => {
    const { service, row } = signedIn(c);
    return c.json({ profile: service.profile(row) });
  })
  .get('/package', (c) => {
    const { service, row } = signedIn(c);
    return c.json({ sealed: service.sealedPackage(row) });
  })
  .get('/key', async (c) => {
    const { service, row } = signedIn(c);
    return c.json({ key: await service.sessionKey(row) });
  })
  .get('/attempt', async (c) => {
    const { service, row } = signedIn(c);
    return c.json({ attempt: await service.attemptView(row) });
  })
  .get('/result', async (c) => {
    const { service, row } = signedIn(c);
    return c.json({ result: await service.result(row) });
  })
  // Commands for this attempt as they happen (authorised, paused, resumed, extended,
  // removed, closed): the venue's timer is sent on every change and every few seconds,
  // which is also the device's "last contact" for its own countdown.
  .get('/stream', (c) => {
    const { service, row } = signedIn(c);
    const proctor = proctorService(c.var.deps);
    return streamSSE(c, async (stream) => {
      let last = '';
      let quietTicks = 0;
      while (!stream.aborted) {
        if (!service.sessionFor(getCookie(c, CANDIDATE_COOKIE))) {
          await stream.writeSSE({ event: 'signed-out', data: '{}' });
          return;
        }
        // The open stream is the PC's heartbeat while it has nothing to push.
        proctor.noteContact(row.deviceId);
        const view = await service.attemptView(row);
        const summary = JSON.stringify([view.status, view.timer.state, view.timer.deadline, view.isKeyReleased]);
        if (summary !== last || quietTicks >= 5) {
          await stream.writeSSE({ event: 'attempt', data: JSON.stringify({ status: view.status, isKeyReleased: view.isKeyReleased, timer: view.timer }) });
          last = summary;
          quietTicks = 0;
        } else {
          quietTicks += 1;
        }
        await stream.sleep(1000);
      }
    });
  });
