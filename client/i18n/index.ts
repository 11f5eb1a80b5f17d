/**
 * The interface language: a reactive locale shared by the whole PWA, and `t()`
 * to look a message up in the kk, ru and en catalogues. The chosen language is
 * kept in localStorage so a reload during an attempt keeps it.
 */
import { computed, ref, watch } from 'vue';
import { en } from './messages/en';
import { kk } from './messages/kk';
import { ru } from './messages/ru';
import { LOCALES, type Locale, type Message, type MessageKey, type MessageParams } from './types';

export { LOCALES, LOCALE_NAMES, type Locale, type MessageKey } from './types';

const STORAGE_KEY = 'exam.locale';
const DEFAULT_LOCALE: Locale = 'kk';

const catalogues: Record<Locale, Record<string, Message>> = { kk: { ...kk }, ru: { ...ru }, en: { ...en } };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function readStoredLocale(): Locale | null {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

function browserLocale(): Locale | null {
  const languages = globalThis.navigator?.languages ?? [];
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return null;
}

const locale = ref<Locale>(readStoredLocale() ?? browserLocale() ?? DEFAULT_LOCALE);

watch(locale, (value) => {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, value);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  if (globalThis.document) globalThis.document.documentElement.lang = value;
}, { immediate: true });

/**
 * Adds an area's own messages (loaded with the area's code, so the candidate
 * chunk never carries the central office's texts). Later keys win.
 */
export function extendMessages(extra: Partial<Record<Locale, Record<string, Message>>>): void {
  for (const code of LOCALES) Object.assign(catalogues[code], extra[code] ?? {});
}

function interpolate(text: string, params: MessageParams | undefined, count: number | undefined): string {
  let result = count === undefined ? text : text.replaceAll('#', String(count));
  if (params) result = result.replace(/\{(\w[\w-]*)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  return result;
}

/** Looks `key` up in `code`'s catalogue, then in en; a missing key shows itself. */
export function translate(code: Locale, key: MessageKey | (string & {}), params?: MessageParams): string {
  const message = catalogues[code][key] ?? catalogues.en[key];
  if (message === undefined) return key;
  if (typeof message === 'string') return interpolate(message, params, undefined);
  const count = Number(params?.count ?? 0);
  const form = new Intl.PluralRules(code).select(count);
  return interpolate(message[form] ?? message.other, params, count);
}

/** The shared locale, a setter, and `t()` bound to the current locale (reactive in templates). */
export function useI18n() {
  return {
    locale,
    locales: LOCALES,
    setLocale(value: Locale) {
      locale.value = value;
    },
    t: (key: MessageKey | (string & {}), params?: MessageParams) => translate(locale.value, key, params),
    /** The product name in the current language, e.g. for document.title. */
    appName: computed(() => translate(locale.value, 'app.name')),
  };
}
