import type { en } from './messages/en';

/** The interface languages, in the order the language switcher shows them. */
export const LOCALES = ['kk', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's name in that language, so a candidate finds their own. */
export const LOCALE_NAMES: Record<Locale, string> = { kk: 'Қазақша', ru: 'Русский', en: 'English' };

/**
 * A message: a string with `{name}` placeholders, or plural forms chosen by
 * `Intl.PluralRules` on the `count` parameter, with `#` standing for the count.
 * kk and en use `one`/`other`; ru also `few`/`many`. `other` is always required.
 */
export type Message = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);

/** Keys of the shell's own catalogue; areas may add theirs with `extendMessages`. */
export type MessageKey = keyof typeof en;

/** A complete catalogue of the shell's messages in one language. */
export type Catalogue = Record<MessageKey, Message>;

export type MessageParams = Record<string, string | number>;
