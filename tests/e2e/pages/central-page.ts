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
}
