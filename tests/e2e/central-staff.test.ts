/**
 * The central office in Chromium against a real hub process (PGlite, demo seeded): an admin
 * imports an exam (a bad file is refused item by item), registers rooms and schedules a
 * session with proctors (bad input named field by field, in the chosen language, and
 * nothing saved), on a tablet-wide screen, and imports a roster with a progress bar; a
 * reviewer works the discrepancy queue and is refused admin actions; an auditor verifies the
 * audit chain and reads a session's key state and certificate journal without being offered
 * the key release; the public check refuses a forged code. Needs `npm run build`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { examFile, rosterCsv } from '../../hub/central/test-fixture';
import { launchBrowser, newDesktopContext } from '../support/browser';
import { ROOT, startHub, type RunningProcess } from '../support/processes';
import { CentralPage } from './pages/central-page';

describe('central office', () => {
  let hub: RunningProcess;
  let browser: Browser;
  const scriptErrors: string[] = [];

  /** Each staff member gets a browser of their own (cookies and storage apart). */
  async function freshContext(): Promise<BrowserContext> {
    const context = await newDesktopContext(browser);
    context.on('weberror', (error) => scriptErrors.push(error.error().message));
    return context;
  }

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
    hub = await startHub({ env: { HUB_DEMO: '1' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('lets an admin import an exam, refusing a bad file item by item, and a roster with progress', async () => {
    const central = await CentralPage.open(await freshContext(), hub.url);
    await central.signIn('admin', 'demo-admin-pass');
    expect(await central.who()).toBe('admin · Administrator');
    const bad = examFile();
    bad.package.blocks[0]!.items[0]!.stem.kk = '';
    await central.uploadExam('bad.json', JSON.stringify(bad));
    expect(await central.textOf('[role="alert"]')).toBe('The file was refused; nothing was imported.');
    expect((await central.problems()).join('\n')).toMatch(/Block b1 · Item i1 · Field stem · Language kk/);
    await central.chooseLanguage('kk');
    expect((await central.problems()).join('\n')).toContain('Блок b1 · Тапсырма i1 · Өріс stem · Тіл kk: Осы тілдік нұсқада мәтін бос.');
    await central.chooseLanguage('en');
    await central.uploadExam('good.json', JSON.stringify(examFile()));
    expect(await central.textOf('[data-test="exam-imported"]')).toBe('Imported ex-geo, version 1: 4 items.');

    // A tablet-wide screen: the set-up forms must fit without sideways scrolling.
    await central.page.setViewportSize({ width: 768, height: 1024 });
    expect(await central.registerRoom({ venueId: 'v-e2e', roomId: 'r1', name: 'Room 1', rows: 2, perRow: '' })).toBe('A room needs at least one seat: give the number of rows (1–26) and of seats per row (1–40).');
    expect(await central.registeredRooms()).toEqual([]);
    expect(await central.registerRoom({ venueId: 'v-e2e', roomId: 'r1', name: 'Room 1', rows: 1, perRow: 6 }, { reload: false })).toBe('Room “Room 1” is registered at venue v-e2e.');
    expect(await central.registerRoom({ venueId: 'v-e2e', roomId: 'r2', name: ' room 1', rows: 3, perRow: 8 }, { reload: false })).toBe('This venue already has a room with this name.');
    expect(await central.registerRoom({ venueId: 'v-e2e', roomId: 'r2', name: 'Room 2', rows: 3, perRow: 8 }, { reload: false })).toBe('Room “Room 2” is registered at venue v-e2e.');
    expect(await central.registeredRooms()).toEqual(['r1 · Room 1 · 6 seats', 'r2 · Room 2 · 24 seats']);
    expect(await central.hasHorizontalScroll()).toBe(false);

    const proctor = { username: 'e2e.proctor', displayName: 'Proctor E2E', pin: '12a4', roomIds: ['r1', 'r2'] };
    expect(await central.scheduleSession({ sessionId: 's-e2e', venueId: 'v-e2e', exam: 'ex-geo@1', startsAt: Date.now() + 86_400_000, proctors: [proctor] }, { reload: false })).toBe('The PIN is 4 to 8 digits.');
    await central.chooseLanguage('kk');
    expect(await central.fieldErrors()).toEqual(['PIN-код 4–8 цифрдан тұрады.']);
    await central.chooseLanguage('ru');
    expect(await central.fieldErrors()).toEqual(['PIN-код — от 4 до 8 цифр.']);
    await central.chooseLanguage('en');
    expect(await central.hasHorizontalScroll()).toBe(false);
    await central.page.locator('input[name="proctor-pin-0"]').fill('2468');
    expect(await central.submitSchedule()).toBe('Scheduled. Import its roster below.');
    expect(await central.scheduleSession({ sessionId: 's-e2e', venueId: 'v-e2e', exam: 'ex-geo@1', startsAt: Date.now(), proctors: [] })).toBe('A session with this code already exists.');
    await central.page.setViewportSize({ width: 1366, height: 768 });

    await central.uploadRoster('s-e2e', rosterCsv().replace(',r1,s3,', ',r9,s3,'));
    expect((await central.problems()).join('\n')).toContain('Line 4: room "r9" is not a room of this venue');
    await central.uploadRoster('s-e2e', rosterCsv());
    await central.page.getByText('Roster imported: 5 candidates', { exact: false }).waitFor({ timeout: 30_000 });
    expect(await central.textOf('[data-test="progress"]')).toBe('5 / 5');

    // Publishing with the queue open is refused, each reason worded in the chosen language.
    expect(await central.publishResults('demo-citizenship-1')).toContain('Results cannot be published yet:');
    const blockers = central.page.locator('[data-test="blockers"] li');
    expect(await blockers.first().innerText()).toMatch(/^Rostered, no check-in nor attempt: .+ \(IIN \d{12}\) was on the roster/);
    await central.chooseLanguage('kk');
    expect(await blockers.first().innerText()).toMatch(/^Тізімде бар, бірақ тіркелмеген және тапсырмаған: Тестіленуші .+ \(ЖСН: \d{12}\) тізімде бар/);
    await central.chooseLanguage('en');
    expect(await central.isPublishResultsOffered()).toBe(true);
    await central.signOut();
  });

  it('lets a reviewer clear a discrepancy with a reason, and refuses them an admin action', async () => {
    const central = await CentralPage.open(await freshContext(), hub.url);
    await central.signIn('reviewer', 'demo-reviewer-pass');
    await central.openSession('demo-citizenship-1');
    expect(await central.queue('no').count()).toBe(30);
    expect(await central.queue('no').first().innerText()).toContain('was on the roster, but the venue recorded neither a check-in nor an attempt');
    // The hub sends the kind and its figures; the page words them in the staff member's language.
    const english = await central.discrepancyText('no-show');
    expect(english.evidence[0]).toMatch(/^Candidate \S+: room \S+, seat \S+$/);
    expect(english.clearHow).toMatch(/^To clear: Compare with the signed seating list/);
    expect(english.actions).toEqual(['Mark absent']);
    const iin = /IIN (\d{12})/.exec(english.explanation)?.[1];
    expect(iin).toMatch(/^\d{12}$/);
    await central.chooseLanguage('kk');
    const kazakh = await central.discrepancyText('no-show');
    expect(kazakh.explanation).toContain(`(ЖСН: ${iin}) тізімде бар, бірақ пункт оның тестілеуге кіргізілгенін де, тапсыру әрекетін де тіркемеген.`);
    expect(kazakh.actions).toEqual(['Келмеді деп белгілеу']);
    await central.chooseLanguage('ru');
    expect((await central.discrepancyText('no-show')).explanation).toContain(`(ИИН ${iin}) есть в списке тестируемых, но пункт не зафиксировал ни регистрации, ни попытки.`);
    await central.chooseLanguage('en');
    await central.clearFirstDiscrepancy('absent according to the seating list');
    expect(await central.queue('yes').count()).toBe(1);
    expect(await central.queue('yes').first().innerText()).toContain('Cleared by reviewer: Mark absent');
    await central.uploadExam('again.json', JSON.stringify(examFile({ version: 2 })));
    expect(await central.textOf('[role="alert"]')).toBe('Your role may not do this.');
    expect(await central.registerRoom({ venueId: 'v-e2e', roomId: 'r3', name: 'Room 3', rows: 1, perRow: 4 })).toBe('Your role may not do this.');
    expect(await central.registeredRooms()).toEqual(['r1 · Room 1 · 6 seats', 'r2 · Room 2 · 24 seats']);
    // The home page lists every session of the hub, the one scheduled but not published too.
    const sessions = await central.sessionList();
    expect(sessions).toEqual(expect.arrayContaining([
      { sessionId: 's-e2e', state: 'Scheduled', href: '/central/sessions/s-e2e' },
      expect.objectContaining({ sessionId: 'demo-citizenship-1', state: 'Key released' }),
    ]));
    expect(await central.navigation()).toContain('Set-up');
    await central.signOut();
  });

  it('lets an auditor verify the audit chain, and the public refuse a forged certificate check', async () => {
    const central = await CentralPage.open(await freshContext(), hub.url);
    await central.signIn('auditor', 'demo-auditor-pass');
    expect(await central.verifyAuditChain()).toMatch(/^The chain is intact: \d+ entries\.$/);
    await central.page.setViewportSize({ width: 768, height: 1024 });
    await central.openSession('demo-citizenship-1');
    expect(await central.textOf('[data-test="key-state"]')).toMatch(/^Key released: /);
    expect(await central.page.locator('[data-test="release-now"], [data-test="show-release-code"]').count()).toBe(0);
    expect(await central.certificateJournal()).toEqual([]);
    expect(await central.textOf('[data-test="journal"]')).toContain('No certificates have been issued for this session.');
    expect(await central.hasHorizontalScroll()).toBe(false);
    expect((await central.sessionList()).length).toBeGreaterThan(1);
    expect(await central.hasHorizontalScroll()).toBe(false);
    await central.signOut();
    expect(await central.checkCertificate('900115300012', 'FORGED1234')).toBe('No certificate matches this IIN and code.');
    expect(scriptErrors).toEqual([]);
  });
});
