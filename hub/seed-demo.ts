/**
 * Seeds an empty hub with the demo (hub/demo/): staff accounts, a one-time enrolment
 * token for the venue "demo" (written to `<data>/demo-enrol-token` for the venue to pick
 * up), and both demo sessions published to that venue with their keys released at once.
 * Release codes go to `<data>/demo-release-codes.json` for the offline-start path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubServices } from './app';
import { countStaffAccounts, insertStaffAccount } from './db';
import { buildDemo, DEMO_VENUE_ID } from './demo/index';

/** Seeds the demo unless the hub already has staff accounts; true when it seeded. */
export async function seedDemoIfEmpty(services: HubServices, dataDir: string | undefined): Promise<boolean> {
  const { ctx } = services;
  const db = ctx.database.db;
  if ((await countStaffAccounts(db)) > 0) return false;
  const demo = buildDemo({ now: ctx.now() });
  const { token } = await services.enrolment.createToken('demo', { venueId: DEMO_VENUE_ID, validHours: 24 * 30 });
  const releaseCodes: Record<string, string> = {};
  for (const session of demo.sessions) {
    const exam = demo.exams.find((candidate) => candidate.examPackage.examId === session.examId);
    if (!exam) throw new Error(`demo session ${session.sessionId} names an unknown exam ${session.examId}`);
    const { releaseCode } = await services.publishing.publish(session, exam.examPackage, exam.answerKey, { isKeyReleasedNow: true, actor: 'demo' });
    releaseCodes[session.sessionId] = releaseCode;
  }
  if (dataDir) {
    // With PostgreSQL the data folder holds only these files, so it may not exist yet.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'demo-enrol-token'), `${token}\n`, { mode: 0o600 });
    writeFileSync(join(dataDir, 'demo-release-codes.json'), `${JSON.stringify(releaseCodes, null, 2)}\n`, { mode: 0o600 });
  }
  // Staff accounts go last: their presence is what marks the demo as seeded, so a start
  // that crashed half-way through seeding simply seeds again.
  for (const account of demo.staff) {
    await insertStaffAccount(db, { username: account.username, role: account.role, displayName: account.displayName, passwordHash: account.passwordHash, createdAt: ctx.now() });
  }
  return true;
}
