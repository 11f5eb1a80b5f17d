/**
 * The central office in Chromium against a real hub process (PGlite, demo seeded): an admin
 * imports an exam (a bad file is refused item by item) and a roster with a progress bar,
 * a reviewer works the discrepancy queue and is refused an admin action, an auditor
 * verifies the audit chain, and the public check refuses a forged code. Needs `npm run build`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { examFile, ROOM, rosterCsv } from '../../hub/central/test-fixture';
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

    const api = central.page.request;
    expect((await api.put(`${hub.url}/api/central/venues/v-e2e/rooms/r1`, { data: ROOM })).status()).toBe(200);
    expect((await api.post(`${hub.url}/api/central/schedule`, { data: { sessionId: 's-e2e', venueId: 'v-e2e', examId: 'ex-geo', examVersion: 1, startsAt: Date.now() + 86_400_000 } })).status()).toBe(201);
    await central.uploadRoster('s-e2e', rosterCsv().replace(',r1,s3,', ',r9,s3,'));
    expect((await central.problems()).join('\n')).toContain('Line 4: room "r9" is not a room of this venue');
    await central.uploadRoster('s-e2e', rosterCsv());
    await central.page.getByText('Roster imported: 5 candidates', { exact: false }).waitFor({ timeout: 30_000 });
    expect(await central.textOf('[data-test="progress"]')).toBe('5 / 5');
    await central.signOut();
  });

  it('lets a reviewer clear a discrepancy with a reason, and refuses them an admin action', async () => {
    const central = await CentralPage.open(await freshContext(), hub.url);
    await central.signIn('reviewer', 'demo-reviewer-pass');
    await central.openSession('demo-citizenship-1');
    expect(await central.queue('no').count()).toBe(30);
    expect(await central.queue('no').first().innerText()).toContain('was on the roster, but the venue recorded neither a check-in nor an attempt');
    await central.clearFirstDiscrepancy('absent according to the seating list');
    expect(await central.queue('yes').count()).toBe(1);
    expect(await central.queue('yes').first().innerText()).toContain('Cleared by reviewer: mark-absent');
    await central.uploadExam('again.json', JSON.stringify(examFile({ version: 2 })));
    expect(await central.textOf('[role="alert"]')).toBe('Your role may not do this.');
    await central.signOut();
  });

  it('lets an auditor verify the audit chain, and the public refuse a forged certificate check', async () => {
    const central = await CentralPage.open(await freshContext(), hub.url);
    await central.signIn('auditor', 'demo-auditor-pass');
    expect(await central.verifyAuditChain()).toMatch(/^The chain is intact: \d+ entries\.$/);
    await central.signOut();
    expect(await central.checkCertificate('900115300012', 'FORGED1234')).toBe('No certificate matches this IIN and code.');
    expect(scriptErrors).toEqual([]);
  });
});
