/** Page model of the central office at the hub: sign-in, set-up, session queue, audit, public check. */
import type { BrowserContext, Page } from 'playwright-core';

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
    return this.page.locator('[role="status"], [role="alert"]').first().innerText();
  }
}
