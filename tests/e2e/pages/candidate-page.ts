/**
 * Page model of the candidate at a classroom PC: sign in, confirm, rules, pre-check,
 * wait for the proctor, answer, finish, read the analysis card. Also reads the PC's
 * IndexedDB (`exam-device`) directly, to check what is stored at once and that nothing
 * decrypted is ever stored.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { ChainedEvent } from '../../../sync/events';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export class CandidatePage {
  constructor(readonly page: Page, private readonly origin: string) {}

  async open(path = '/'): Promise<void> {
    await this.page.goto(`${this.origin}${path}`);
    await this.page.getByTestId('language-switcher').waitFor();
  }

  async chooseLanguage(locale: 'kk' | 'ru' | 'en'): Promise<void> {
    await this.page.locator(`[data-testid="language-switcher"] [data-locale="${locale}"]`).click();
  }

  /** Fills the form and submits; returns the error shown, or null once the page moved on. */
  async signIn(iin: string, accessCode: string): Promise<string | null> {
    await this.page.getByTestId('iin').fill(iin);
    await this.page.getByTestId('access-code').fill(accessCode);
    await this.page.getByTestId('sign-in-submit').click();
    const error = this.page.getByTestId('sign-in-error');
    const moved = this.page.waitForURL((url) => url.pathname !== '/', { timeout: 15_000 }).then(() => null);
    const failed = error.waitFor({ timeout: 15_000 }).then(() => error.innerText());
    return Promise.race([moved, failed]);
  }

  /** Confirm the personal data, accept the rules, pass the pre-check: then the wait page. */
  async confirmRulesAndCheck(): Promise<void> {
    await this.page.getByTestId('confirm-data').click();
    await this.page.getByTestId('accept-rules').click();
    const next = this.page.getByTestId('pre-check-continue');
    await this.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid="pre-check-continue"]')?.disabled, undefined, { timeout: 30_000 });
    await next.click();
    await this.page.getByTestId('waiting').or(this.page.getByTestId('authorised')).waitFor();
  }

  async isWaiting(): Promise<boolean> {
    return this.page.getByTestId('waiting').isVisible();
  }

  /** Waits for the identity photo to be taken on the wait page (the camera must show one face). */
  async waitForIdentityPhoto(timeoutMs = 45_000): Promise<void> {
    await this.page.locator('[data-testid="identity-photo"][data-state="taken"]').waitFor({ timeout: timeoutMs });
  }

  /** Waits for the identity photo and the proctor's authorisation, then starts. */
  async startWhenAuthorised(): Promise<void> {
    await this.waitForIdentityPhoto();
    await this.page.getByTestId('start-exam').click({ timeout: 30_000 });
    await this.page.getByTestId('exam').waitFor({ timeout: 30_000 });
  }

  async waitForExam(): Promise<void> {
    await this.page.getByTestId('exam').waitFor({ timeout: 30_000 });
  }

  /** Chooses option `n` (1-based) of the current item with the keyboard. */
  async pressOption(n: number): Promise<void> {
    await this.page.keyboard.press(String(n));
  }

  async nextByKeyboard(): Promise<void> {
    await this.page.keyboard.press('ArrowRight');
  }

  async currentItemId(): Promise<string> {
    return (await this.page.getByTestId('item-view').getAttribute('data-item')) ?? '';
  }

  async clickOption(optionId: string): Promise<void> {
    await this.page.locator(`[data-option="${optionId}"] input`).click();
  }

  async openItem(number: number): Promise<void> {
    await this.page.getByTestId('item-grid').getByRole('button').nth(number - 1).click();
  }

  async toggleFlag(): Promise<void> {
    await this.page.getByTestId('flag').click();
  }

  async saveState(): Promise<string | null> {
    return this.page.getByTestId('save-status').getAttribute('data-state');
  }

  async waitForSaveState(state: 'local' | 'venue', timeoutMs = 20_000): Promise<void> {
    await this.page.locator(`[data-testid="save-status"][data-state="${state}"]`).waitFor({ timeout: timeoutMs });
  }

  async gridCounts(): Promise<{ answered: number; flagged: number; total: number }> {
    const grid = this.page.getByTestId('item-grid');
    return {
      answered: await grid.locator('[data-answered="true"]').count(),
      flagged: await grid.locator('[data-flagged="true"]').count(),
      total: await grid.getByRole('button').count(),
    };
  }

  async remainingMs(): Promise<number> {
    return Number(await this.page.getByTestId('timer').getAttribute('data-remaining-ms'));
  }

  /** Plays the current item's clip and waits until it has finished; returns the plays left. */
  async playAudio(): Promise<number> {
    const button = this.page.getByTestId('play-audio');
    await button.click();
    await this.page.waitForFunction(() => {
      const play = document.querySelector<HTMLButtonElement>('[data-testid="play-audio"]');
      return play && (!play.disabled || document.querySelector('[data-testid="plays-left"]')?.getAttribute('data-left') === '0');
    }, undefined, { timeout: 20_000 });
    return Number(await this.page.getByTestId('plays-left').getAttribute('data-left'));
  }

  async canPlayAudio(): Promise<boolean> {
    return this.page.getByTestId('play-audio').isEnabled();
  }

  /** Files a content appeal on the result page naming the given items. */
  async fileContentAppeal(itemIds: string[], ground: string, justification: string): Promise<void> {
    for (const itemId of itemIds) await this.page.locator(`[data-testid="content-appeal"] input[data-item="${itemId}"]`).check();
    await this.page.getByTestId('content-ground').selectOption(ground);
    await this.page.getByTestId('content-justification').fill(justification);
    await this.page.getByTestId('content-submit').click();
    await this.page.getByTestId('content-appeal-sent').waitFor();
  }

  async fileTechnicalAppeal(reason: string): Promise<void> {
    await this.page.getByTestId('open-technical-appeal').click();
    await this.page.getByTestId('appeal-reason').selectOption(reason);
    await this.page.getByTestId('appeal-submit').click();
    await this.page.getByTestId('appeal-sent').waitFor();
  }

  async openFinish(): Promise<{ unanswered: number; flagged: number }> {
    await this.page.getByTestId('finish').click();
    await this.page.getByTestId('finish-confirm').waitFor();
    return {
      unanswered: Number(await this.page.getByTestId('unanswered-count').innerText()),
      flagged: Number(await this.page.getByTestId('flagged-count').innerText()),
    };
  }

  async confirmFinish(): Promise<void> {
    await this.page.getByTestId('finish-confirm').click();
    await this.page.waitForURL((url) => url.pathname === '/result');
  }

  /** Waits for the result page to settle: the analysis card or "results after review". */
  async result(timeoutMs = 60_000): Promise<'card' | 'withheld'> {
    const card = this.page.getByTestId('analysis-card');
    const withheld = this.page.getByTestId('result-withheld');
    await card.or(withheld).waitFor({ timeout: timeoutMs });
    return (await card.isVisible()) ? 'card' : 'withheld';
  }

  async isResultWaiting(): Promise<boolean> {
    return this.page.getByTestId('result-waiting').isVisible();
  }

  /** Every event in this PC's IndexedDB, in chain order, with whether the venue acknowledged it. */
  async storedEvents(): Promise<Array<{ event: ChainedEvent; acked: number }>> {
    return this.page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('exam-device');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const request = open.result.transaction('events').objectStore('events').getAll();
        request.onsuccess = () => {
          open.result.close();
          resolve((request.result as Array<{ event: ChainedEvent; acked: number }>).map((row) => ({ event: row.event, acked: row.acked })));
        };
        request.onerror = () => reject(request.error);
      };
    }));
  }

  /** Everything the PC keeps in IndexedDB, as one text, to search for what must never be there. */
  async storageDump(): Promise<string> {
    return this.page.evaluate(async () => {
      const open = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('exam-device');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const parts: string[] = [];
      for (const name of Array.from(open.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const request = open.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        parts.push(JSON.stringify(rows));
      }
      open.close();
      return parts.join('\n');
    });
  }

  /** axe-core's serious and critical findings on the current page. */
  async accessibilityViolations(): Promise<Array<{ id: string; targets: string[] }>> {
    await this.page.evaluate(axeSource);
    return this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')) }));
    });
  }
}
