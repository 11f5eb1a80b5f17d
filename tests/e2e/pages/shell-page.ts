/** Page model of the PWA shell: what every area shows at the top. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  targets: string[];
}

export class ShellPage {
  private constructor(readonly page: Page, private readonly origin: string) {}

  /** Opens `path` in a new tab and waits until the shell has rendered. */
  static async open(context: BrowserContext, origin: string, path = '/'): Promise<ShellPage> {
    const shell = new ShellPage(await context.newPage(), origin);
    await shell.goto(path);
    return shell;
  }

  /** Every area shows the language switcher, so the shell is up once it is. */
  async goto(path: string): Promise<void> {
    await this.page.goto(`${this.origin}${path}`);
    await this.languageSwitcher().waitFor();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.languageSwitcher().waitFor();
  }

  private languageSwitcher() {
    return this.page.getByTestId('language-switcher');
  }

  title(): Promise<string> {
    return this.page.title();
  }

  /** Whether the page shows `name` as a text of its own (the product name in the header). */
  showsText(name: string): Promise<boolean> {
    return this.page.getByText(name, { exact: true }).first().isVisible();
  }

  documentLanguage(): Promise<string | null> {
    return this.page.locator('html').getAttribute('lang');
  }

  languageNames(): Promise<string[]> {
    return this.languageSwitcher().getByRole('button').allInnerTexts();
  }

  /** Runs axe-core on the page (WCAG 2.x A/AA rules) and lists its serious and critical findings. */
  async accessibilityViolations(): Promise<AccessibilityViolation[]> {
    await this.page.evaluate(axeSource); // evaluate is not subject to the page's CSP
    return this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
    });
  }

  /** The smallest width and height of any button, in CSS pixels. */
  smallestButton(): Promise<{ width: number; height: number }> {
    return this.page.evaluate(() => {
      const boxes = [...document.querySelectorAll('button')].map((b) => b.getBoundingClientRect());
      return { width: Math.min(...boxes.map((b) => b.width)), height: Math.min(...boxes.map((b) => b.height)) };
    });
  }

  /** Loads the interface font for `text` and lists the font faces that cover it. */
  loadFontFor(text: string): Promise<{ family: string; status: string }[]> {
    return this.page.evaluate(async (sample) => {
      const faces = await document.fonts.load('16px "Noto Sans"', sample);
      return faces.map((face) => ({ family: face.family, status: face.status }));
    }, text);
  }

  async chooseLanguage(locale: 'kk' | 'ru' | 'en'): Promise<void> {
    await this.page.locator(`[data-testid="language-switcher"] [data-locale="${locale}"]`).click();
    await this.page.waitForFunction((code) => document.documentElement.lang === code, locale);
  }
}
