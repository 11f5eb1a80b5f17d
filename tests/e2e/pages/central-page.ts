/**
 * Page model of the central office at the hub: sign-in, set-up (exam, rooms, schedule with
 * proctors, roster, publication), the session page (key release, queue, results, certificate
 * journal), audit and the public check.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

export interface ProctorEntry { username: string; displayName: string; pin: string; roomIds: string[] }
export interface JournalRow { number: string; iin: string; code: string; status: string; text: string }

/** `datetime-local` text for a moment, in the browser's (and this machine's) time zone. */
function localDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export class CentralPage {
  private constructor(readonly page: Page, private readonly origin: string) {}

  /** A new tab in English (the test reads English texts; the area speaks kk and ru too). */
  static async open(context: BrowserContext, origin: string): Promise<CentralPage> {
    const page = await context.newPage();
    await page.addInitScript(() => localStorage.setItem('exam.locale', 'en'));
    return new CentralPage(page, origin);
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(`${this.origin}${path}`);
    await this.page.getByTestId('language-switcher').waitFor();
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.goto('/central');
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.locator('[data-test="who"]').waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByLabel('Username').waitFor();
  }

  who(): Promise<string> {
    return this.page.locator('[data-test="who"]').innerText();
  }

  /** Chooses an exam file on the set-up page and waits for the hub's answer. */
  async uploadExam(name: string, content: string): Promise<void> {
    await this.goto('/central/setup');
    await this.page.locator('input[name="exam-file"]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
    await this.page.locator('[data-test="exam-imported"], [role="alert"]').first().waitFor();
  }

  async uploadRoster(sessionId: string, csv: string): Promise<void> {
    await this.goto('/central/setup');
    await this.page.locator('select[name="session"]').selectOption(sessionId);
    await this.page.locator('input[name="roster-file"]').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await this.page.locator('[data-test="problems"], [data-test="progress"]').first().waitFor();
  }

  async chooseLanguage(code: 'kk' | 'ru' | 'en'): Promise<void> {
    await this.page.locator(`[data-testid="language-switcher"] [data-locale="${code}"]`).click();
  }

  problems(): Promise<string[]> {
    return this.page.locator('[data-test="problems"] li').allInnerTexts();
  }

  textOf(selector: string): Promise<string> {
    return this.page.locator(selector).first().innerText();
  }

  async openSession(sessionId: string): Promise<void> {
    await this.goto(`/central/sessions/${sessionId}`);
    await this.page.locator('[data-test="counts"]').waitFor();
  }

  queue(resolved: 'yes' | 'no') {
    return this.page.locator(`[data-test="queue"] li[data-resolved="${resolved}"]`);
  }

  /** Clears the first open discrepancy with its first action and a reason. */
  async clearFirstDiscrepancy(reason: string): Promise<void> {
    const before = await this.queue('yes').count();
    const item = this.queue('no').first();
    await item.locator('input[name="reason"]').fill(reason);
    await item.getByRole('button', { name: 'Clear' }).click();
    await this.page.waitForFunction((count) => document.querySelectorAll('[data-test="queue"] li[data-resolved="yes"]').length > count, before);
  }

  async verifyAuditChain(): Promise<string> {
    await this.goto('/central/audit');
    await this.page.getByRole('button', { name: 'Verify the chain' }).click();
    return this.textOf('[data-test="audit-verdict"]');
  }

  async checkCertificate(iin: string, code: string): Promise<string> {
    await this.goto('/verify');
    await this.page.getByLabel('IIN').fill(iin);
    await this.page.getByLabel('Individual code of the test-taker').fill(code);
    await this.page.getByRole('button', { name: 'Verify' }).click();
    return this.textOf('[data-test="verdict"]');
  }
  /** The access codes shown once after a roster import, by IIN. */
  async accessCodes(): Promise<Map<string, string>> {
    await this.page.getByText('Roster imported:', { exact: false }).waitFor({ timeout: 30_000 });
    const rows = await this.page.locator('table tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
    return new Map(rows.filter((cells) => cells.length === 3).map((cells) => [cells[0]!, cells[2]!]));
  }

  /** Publishes the session chosen on the set-up page to its venue and waits for the job to finish. */
  async publishChosenSession(): Promise<void> {
    await this.page.getByRole('button', { name: 'Publish to venue' }).click();
    await this.page.getByText('Published.', { exact: true }).waitFor({ timeout: 60_000 });
  }

  /** The completeness cell of an attempt on the session page. */
  attemptCompleteness(attemptId: string): Promise<string> {
    return this.page.locator(`tr[data-attempt="${attemptId}"] td`).nth(1).innerText();
  }

  /** Clears an open discrepancy of a kind with a reason. */
  async clearDiscrepancy(kind: string, reason: string): Promise<void> {
    const item = this.page.locator(`[data-test="queue"] li[data-resolved="no"][data-kind="${kind}"]`).first();
    const before = await this.queue('yes').count();
    await item.locator('input[name="reason"]').fill(reason);
    await item.getByRole('button', { name: 'Clear' }).click();
    await this.page.waitForFunction((count) => document.querySelectorAll('[data-test="queue"] li[data-resolved="yes"]').length > count, before);
  }

  /** Decides the appeals on an item (appeals page) and returns the re-scoring report shown. */
  async decideAppeal(itemId: string, outcome: 'void' | 'correct-key' | 'reject', reason: string, correctOptionIds = ''): Promise<string> {
    await this.goto('/central/appeals');
    const card = this.page.locator(`article.appeal[data-item="${itemId}"]`);
    await card.locator('select[name="outcome"]').selectOption(outcome);
    if (outcome === 'correct-key') await card.locator('input[name="options"]').fill(correctOptionIds);
    await card.locator('input[name="reason"]').fill(reason);
    await card.getByRole('button', { name: 'OK' }).click();
    return card.locator('[role="status"]').innerText();
  }

  /** Publishes a session's results from its page and returns the hub's answer as shown. */
  async publishResults(sessionId: string): Promise<string> {
    await this.openSession(sessionId);
    await this.page.getByRole('button', { name: 'Publish results' }).click();
    return this.page.locator('[data-test="results-outcome"]').first().innerText();
  }
  /** Registers a room on the set-up page (rows × seats per row); returns what the form said. */
  async registerRoom(room: { venueId: string; roomId: string; name: string; rows: number | ''; perRow: number | '' }, options: { reload?: boolean } = {}): Promise<string> {
    if (options.reload !== false) await this.goto('/central/setup');
    const form = this.page.locator('[data-test="room-form"]');
    await form.locator('input[name="room-venue"]').fill(room.venueId);
    await form.locator('input[name="room-venue"]').blur();
    await form.locator('input[name="room-id"]').fill(room.roomId);
    await form.locator('input[name="room-name"]').fill(room.name);
    await form.locator('input[name="room-rows"]').fill(String(room.rows));
    await form.locator('input[name="room-per-row"]').fill(String(room.perRow));
    await form.getByRole('button', { name: 'Register the room' }).click();
    const outcome = form.locator('[data-test="room-saved"], [data-test="room-error"], [data-test="field-error"]').first();
    await outcome.waitFor();
    return outcome.innerText();
  }

  /** The rooms listed under the room form. */
  registeredRooms(): Promise<string[]> {
    return this.page.locator('[data-test="room-form"] [data-test="rooms"] li').allInnerTexts();
  }

  /** Fills the schedule form (venue, session, exam, start, proctors) and submits it; returns the form's answer. */
  async scheduleSession(session: { sessionId: string; venueId: string; exam: string; startsAt: number; proctors: ProctorEntry[] }, options: { reload?: boolean } = {}): Promise<string> {
    if (options.reload !== false) await this.goto('/central/setup');
    const form = this.page.locator('[data-test="schedule-form"]');
    await form.locator('input[name="session-id"]').fill(session.sessionId);
    await form.locator('input[name="venue-id"]').fill(session.venueId);
    await form.locator('input[name="venue-id"]').blur();
    // The venue's rooms load on change; proctors can be added once they are in.
    await form.locator('[data-test="add-proctor"]:enabled').waitFor({ timeout: 5_000 }).catch(() => undefined);
    await form.locator('select[name="exam"]').selectOption(session.exam);
    await form.locator('input[name="starts-at"]').fill(localDateTime(session.startsAt));
    const existing = await form.locator('[data-test="proctor"]').count();
    for (const [offset, proctor] of session.proctors.entries()) {
      const index = existing + offset;
      await form.locator('[data-test="add-proctor"]:enabled').click();
      await form.locator(`input[name="proctor-username-${index}"]`).fill(proctor.username);
      await form.locator(`input[name="proctor-name-${index}"]`).fill(proctor.displayName);
      await form.locator(`input[name="proctor-pin-${index}"]`).fill(proctor.pin);
      for (const roomId of proctor.roomIds) await form.locator(`input[name="proctor-room-${index}"][value="${roomId}"]`).check();
    }
    return this.submitSchedule();
  }

  /** Submits the schedule form as it stands; returns its answer (or the first field error). */
  async submitSchedule(): Promise<string> {
    const form = this.page.locator('[data-test="schedule-form"]');
    await form.getByRole('button', { name: 'Schedule', exact: true }).click();
    const outcome = form.locator('[data-test="scheduled"], [data-test="schedule-error"], [data-test="field-error"]').first();
    await outcome.waitFor();
    return outcome.innerText();
  }

  /** Every field error shown on the set-up page. */
  fieldErrors(): Promise<string[]> {
    return this.page.locator('[data-test="field-error"]').allInnerTexts();
  }

  /** On the session page: "Release the key now", confirmed; returns the key's state afterwards. */
  async releaseKeyNow(): Promise<string> {
    await this.page.locator('[data-test="release-now"]').click();
    const dialog = this.page.locator('[data-test="release-confirm"]');
    await dialog.getByRole('button', { name: 'Yes, release now' }).click();
    await this.page.locator('[data-test="release-done"], [data-test="key-release"] [role="alert"]').first().waitFor();
    await this.page.locator('[data-test="key-state"]', { hasText: 'Key released' }).waitFor({ timeout: 10_000 }).catch(() => undefined);
    return this.textOf('[data-test="key-state"]');
  }

  /** On the session page: shows the release code for an offline venue and returns it. */
  async showReleaseCode(): Promise<string> {
    await this.page.locator('[data-test="show-release-code"]').click();
    return this.textOf('[data-test="release-code"]');
  }

  /** The certificate journal on the session page, once it has loaded. */
  async certificateJournal(): Promise<JournalRow[]> {
    const journal = this.page.locator('[data-test="journal"]');
    await journal.locator('tr[data-certificate], p:not([aria-busy])').first().waitFor();
    const rows = journal.locator('tr[data-certificate]');
    const out: JournalRow[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      out.push({
        number: await row.locator('[data-test="number"]').innerText(), iin: await row.locator('[data-test="iin"]').innerText(),
        code: await row.locator('[data-test="code"]').innerText(), status: await row.locator('[data-test="status"]').innerText(), text: await row.innerText(),
      });
    }
    return out;
  }

  /** Clicks a certificate's PDF link in the journal and returns the downloaded bytes. */
  async downloadCertificate(certificateNumber: string): Promise<Buffer> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.locator(`[data-test="journal"] tr[data-certificate="${certificateNumber}"] [data-test="pdf"]`).click(),
    ]);
    return readFileSync(await download.path());
  }

  /** The home page's session list: each session with the state it shows. */
  async sessionList(): Promise<Array<{ sessionId: string; state: string; href: string | null }>> {
    await this.goto('/central');
    await this.page.locator('[data-test="sessions"] li').first().waitFor();
    return this.page.locator('[data-test="sessions"] li').evaluateAll((items) => items.map((li) => ({
      sessionId: li.getAttribute('data-session') ?? '',
      state: li.querySelector('[data-test="session-state"]')?.textContent?.trim() ?? '',
      href: li.querySelector('a')?.getAttribute('href') ?? null,
    })));
  }

  /** The navigation links' labels. */
  navigation(): Promise<string[]> {
    return this.page.locator('nav a').allInnerTexts();
  }

  /** The wording of the first discrepancy of a kind: explanation, evidence lines and what clears it. */
  async discrepancyText(kind: string): Promise<{ explanation: string; evidence: string[]; clearHow: string; actions: string[] }> {
    const item = this.page.locator(`[data-test="queue"] li[data-kind="${kind}"]`).first();
    return {
      explanation: await item.locator('[data-test="explanation"]').innerText(),
      evidence: await item.locator('[data-test="evidence"] li').allInnerTexts(),
      clearHow: await item.locator('[data-test="clear-how"]').innerText(),
      actions: await item.locator('select[name="action"] option').allInnerTexts(),
    };
  }

  /** Whether the session page still offers "Publish results". */
  async isPublishResultsOffered(): Promise<boolean> {
    return (await this.page.locator('[data-test="publish-results"]').count()) > 0;
  }

  /** Whether the page scrolls sideways at its current width. */
  hasHorizontalScroll(): Promise<boolean> {
    return this.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  }
}
