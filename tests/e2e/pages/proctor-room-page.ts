/**
 * Page model of the proctor's tablet: sign in, read the seat map (each seat's status is
 * in `data-status`, its words on the tile), open a seat and take a decision, and read
 * which actions the venue has not received yet. Also a classroom PC that speaks to the
 * venue over HTTP only (sign-in, identity photo), for tests about the proctor's side.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { chainEvent, GENESIS_HASH } from '../../../sync/chain';
import type { EventBody } from '../../../sync/events';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export class ProctorRoomPage {
  constructor(readonly page: Page) {}

  static async open(context: BrowserContext, origin: string): Promise<ProctorRoomPage> {
    const page = await context.newPage();
    await page.goto(`${origin}/proctor`);
    return new ProctorRoomPage(page);
  }

  /** Signs in, then opens the room (from the list of the proctor's rooms, unless it opened by itself). */
  async signIn(username: string, pin: string, room: { sessionId: string; roomId: string }): Promise<void> {
    await this.page.locator('input[name="username"]').fill(username);
    await this.page.locator('input[name="pin"]').fill(pin);
    await this.page.locator('form button[type="submit"]').click();
    const path = `/proctor/rooms/${room.sessionId}/${room.roomId}`;
    const link = this.page.locator(`a[href="${path}"]`);
    const seatMap = this.page.locator('.seat-map');
    await link.or(seatMap).first().waitFor({ timeout: 20_000 });
    // A proctor with one room is taken there by the list itself, which may detach the link
    // under the click; so click only while the list is still showing, and check again.
    for (let tries = 0; tries < 3 && !(await seatMap.isVisible()); tries++) {
      if (await link.isVisible()) await link.click({ timeout: 5_000 }).catch(() => undefined);
      await seatMap.waitFor({ timeout: 10_000 }).catch(() => undefined);
    }
    await seatMap.waitFor({ timeout: 10_000 });
  }

  /** The rooms the proctor's list offers, as paths. */
  async roomLinks(): Promise<string[]> {
    return this.page.locator('a[href^="/proctor/rooms/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  }

  seat(seatId: string) {
    return this.page.locator(`[data-seat="${seatId}"]`);
  }

  async seatStatus(seatId: string): Promise<string | null> {
    return this.seat(seatId).getAttribute('data-status');
  }

  async waitForSeatStatus(seatId: string, status: string, timeoutMs = 20_000): Promise<void> {
    await this.page.waitForSelector(`[data-seat="${seatId}"][data-status="${status}"]`, { timeout: timeoutMs });
  }

  async seatText(seatId: string): Promise<string> {
    return this.seat(seatId).innerText();
  }

  /** Time left on a seat's tile, in seconds. */
  async secondsLeft(seatId: string): Promise<number> {
    const text = await this.seat(seatId).getByTestId('time-left').innerText();
    const parts = /(\d+(?::\d+)+)/.exec(text)![1]!.split(':').map(Number);
    return parts.reduce((total, part) => total * 60 + part, 0);
  }

  async openSeat(seatId: string): Promise<void> {
    await this.seat(seatId).click();
    await this.page.getByTestId('candidate-panel').waitFor();
  }

  async act(action: string): Promise<void> {
    await this.page.locator(`[data-testid="candidate-panel"] [data-action="${action}"]`).click();
  }

  /** Removes the open candidate with an act. */
  async removeWithAct(actType: 'prohibited-item' | 'impostor' | 'rule-violation', text: string, cosigners: string[]): Promise<void> {
    await this.act('remove');
    const panel = this.page.getByTestId('candidate-panel');
    await panel.locator('select[name="actType"]').selectOption(actType);
    await panel.locator('textarea[name="actText"]').fill(text);
    await panel.locator('textarea[name="cosigners"]').fill(cosigners.join('\n'));
    await panel.locator('form button[type="submit"]').click();
  }

  async recordIncident(category: string, text: string): Promise<void> {
    const log = this.page.getByTestId('incident-log');
    await log.locator('select[name="category"]').selectOption(category);
    await log.locator('input[name="incident"]').fill(text);
    await log.locator('button[type="submit"]').click();
  }

  async incidents(): Promise<string> {
    return this.page.getByTestId('incident-log').innerText();
  }

  /** The links of the room's documents (seating list, report, acts). */
  async paperLinks(): Promise<string[]> {
    return this.page.getByTestId('close-room').locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  }

  /** Fetches a URL with the tablet's own cookie: status and content type. */
  async fetchFromTablet(path: string): Promise<{ status: number; type: string | null; size: number }> {
    return this.page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get('content-type'), size: (await response.arrayBuffer()).byteLength };
    }, path);
  }

  feed() {
    return this.page.getByTestId('violation-feed');
  }

  /** Opens the first violation's evidence and confirms it with a note. */
  async confirmFirstViolation(note: string): Promise<string | null> {
    const feed = this.feed();
    await feed.locator('[data-action="evidence"]').first().click();
    const source = await feed.getByTestId('evidence').first().getAttribute('src');
    await feed.locator('input').first().fill(note);
    await feed.locator('[data-action="confirm"]').first().click();
    return source;
  }

  async acknowledgeFirstAppeal(): Promise<void> {
    await this.page.getByTestId('appeals-inbox').locator('[data-action="acknowledge"]').first().click();
  }

  /** A room-wide action: start every ready candidate, pause all, resume all. */
  async roomAction(kind: 'start-all' | 'pause-all' | 'resume-all'): Promise<void> {
    await this.page.getByTestId(kind).click();
  }

  async panelStatus(): Promise<string> {
    return this.page.getByTestId('panel-status').innerText();
  }

  /** How many of this tablet's actions the venue has not acknowledged. */
  async pendingCount(): Promise<number> {
    return Number(await this.page.getByTestId('pending-actions').getAttribute('data-count'));
  }

  /** The list of actions still waiting for the venue, as the proctor reads it. */
  async pendingText(): Promise<string> {
    const pending = this.page.getByTestId('pending-actions');
    await pending.evaluate((details) => details.setAttribute('open', ''));
    return pending.innerText();
  }

  async waitForAllSent(timeoutMs = 20_000): Promise<void> {
    await this.page.waitForSelector('[data-testid="pending-actions"][data-count="0"]', { timeout: timeoutMs });
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

  /** The smallest button on the page, for touch: a finger needs about 44 px. */
  smallestButton(): Promise<{ width: number; height: number }> {
    return this.page.evaluate(() => {
      const boxes = [...document.querySelectorAll('button')].map((b) => b.getBoundingClientRect()).filter((b) => b.width > 0);
      return { width: Math.min(...boxes.map((b) => b.width)), height: Math.min(...boxes.map((b) => b.height)) };
    });
  }

  /** Types the session's release code (the hub being out of reach) and sends it. */
  async typeReleaseCode(code: string): Promise<void> {
    const form = this.page.getByTestId('release-code');
    await form.locator('input[name="releaseCode"]').fill(code);
    await form.locator('button[type="submit"]').click();
  }

  /** The refusal the release-code form shows, once it shows one. */
  async releaseCodeRefusal(): Promise<string> {
    const alert = this.page.getByTestId('release-code').getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    return alert.innerText();
  }

  /** Each close-room checklist item (by key) and whether it is green. */
  async closeChecklist(): Promise<Record<string, { isDone: boolean; text: string }>> {
    return this.page.getByTestId('close-room').locator('[data-check]').evaluateAll((items) =>
      Object.fromEntries(items.map((item) => [item.getAttribute('data-check') ?? '', { isDone: item.getAttribute('data-done') === 'true', text: (item as HTMLElement).innerText }])));
  }

  /** Closes the room, once the checklist lets the proctor do so; resolves when the room shows as closed. */
  async closeRoom(): Promise<string> {
    const button = this.page.getByTestId('close-room-button');
    await this.page.waitForSelector('[data-testid="close-room-button"]:not([disabled])', { timeout: 20_000 });
    await button.click();
    const closed = this.page.getByTestId('room-closed');
    await closed.waitFor({ timeout: 20_000 });
    return closed.innerText();
  }

  async chooseLanguage(locale: 'kk' | 'ru' | 'en'): Promise<void> {
    await this.page.locator(`[data-testid="language-switcher"] [data-locale="${locale}"]`).click();
  }
}

/** A classroom PC at the venue, over HTTP: the candidate signs in and the PC pushes its own chain. */
export class ClassroomPc {
  #head = { seq: 0, hash: GENESIS_HASH };

  constructor(private readonly venueUrl: string, readonly deviceId = `pc-e2e-${Date.now()}`) {}

  async signIn(iin: string, accessCode: string): Promise<{ attemptId: string; seatId: string }> {
    const response = await fetch(`${this.venueUrl}/api/candidate/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ iin, accessCode, deviceId: this.deviceId }),
    });
    if (!response.ok) throw new Error(`candidate sign-in failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { profile: { attemptId: string; seatId: string } }).profile;
  }

  async push(partial: { type: EventBody['type']; attemptId?: string; data: unknown }): Promise<void> {
    const body = { ...partial, deviceId: this.deviceId, epoch: 1, seq: this.#head.seq + 1, at: Date.now() } as EventBody;
    const event = chainEvent(this.#head.hash, body);
    const response = await fetch(`${this.venueUrl}/api/device/events`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: this.deviceId, epoch: 1, events: [event] }),
    });
    if (!response.ok) throw new Error(`PC push failed: ${response.status} ${await response.text()}`);
    this.#head = { seq: event.seq, hash: event.hash };
  }
}
