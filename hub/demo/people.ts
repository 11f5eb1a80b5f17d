/**
 * The demo's people: forty candidates (thirty for the citizenship-style session, ten
 * for the ICert-style one), two proctors and four central staff accounts. Names are
 * written as on an identity document; IINs are valid and encode each birth date and sex.
 */
import type { ContentLanguage } from '../../sync/events';
import { makeIin, type IinSex } from '../../sync/iin';
import { seededRandom } from './random';

/** One person on a demo roster, before seating and codes. */
export interface DemoPerson {
  lastName: string;
  firstName: string;
  middleName?: string;
  sex: IinSex;
  language: ContentLanguage;
  hasExtraTime?: boolean;
}

const f = (lastName: string, firstName: string, language: ContentLanguage, middleName?: string, hasExtraTime?: boolean): DemoPerson =>
  ({ lastName, firstName, sex: 'female', language, ...(middleName ? { middleName } : {}), ...(hasExtraTime ? { hasExtraTime } : {}) });
const m = (lastName: string, firstName: string, language: ContentLanguage, middleName?: string, hasExtraTime?: boolean): DemoPerson =>
  ({ lastName, firstName, sex: 'male', language, ...(middleName ? { middleName } : {}), ...(hasExtraTime ? { hasExtraTime } : {}) });

/** Thirty citizenship-test candidates: the first fifteen sit in room-1, the rest in room-2. Four have +30 minutes. */
export const CITIZENSHIP_PEOPLE: readonly DemoPerson[] = [
  f('Серікбаева', 'Әлия', 'kk', 'Нұрланқызы'),
  m('Қасымов', 'Нұрлан', 'kk', 'Ерланұлы'),
  f('Әбдірахманова', 'Жұлдыз', 'ru', 'Маратқызы'),
  m('Жақсылықов', 'Асқар', 'kk', 'Бауыржанұлы', true),
  f('Нұрпейісова', 'Айгүл', 'ru', 'Сериковна'),
  m('Оспанов', 'Бауыржан', 'ru', 'Талғатұлы'),
  f('Тоқтарова', 'Динара', 'kk'),
  m('Бекмұхамбетов', 'Дәурен', 'kk', 'Асқарұлы'),
  f('Сүлейменова', 'Сәуле', 'ru', 'Ерлановна'),
  m('Ахметов', 'Қайрат', 'ru', 'Болатович'),
  f('Мұқанова', 'Меруерт', 'kk', 'Әділқызы'),
  m('Ғабдуллин', 'Ержан', 'kk', 'Мұратұлы', true),
  f('Ким', 'Ольга', 'ru', 'Викторовна'),
  m('Есенов', 'Мұрат', 'kk', 'Серікұлы'),
  f('Құдайбергенова', 'Ақмарал', 'kk'),
  m('Төлеуов', 'Серік', 'ru', 'Ержанұлы'),
  f('Мырзахметова', 'Аружан', 'kk', 'Дәуренқызы'),
  m('Жұмабеков', 'Талғат', 'ru'),
  f('Исмаилова', 'Гүлнара', 'ru', 'Рашидовна', true),
  m('Сейітқали', 'Әділет', 'kk'),
  f('Батырхан', 'Нұргүл', 'kk'),
  m('Әміров', 'Ғалым', 'kk', 'Болатұлы'),
  f('Омарова', 'Салтанат', 'ru', 'Қанатқызы'),
  m('Мұхтарұлы', 'Еркебұлан', 'kk'),
  f('Байжанова', 'Томирис', 'ru'),
  m('Кенжеғалиев', 'Арман', 'ru', 'Нұрланұлы'),
  f('Тұрсынова', 'Балнұр', 'kk', undefined, true),
  m('Петров', 'Дмитрий', 'ru', 'Сергеевич'),
  f('Жанұзақова', 'Айым', 'kk', 'Ерболқызы'),
  m('Шәкенов', 'Ерлан', 'kk'),
];

/** Ten other people for the ICert-style session later the same day, all in room-1. */
export const ICERT_PEOPLE: readonly DemoPerson[] = [
  f('Рахымжанова', 'Әсел', 'ru', 'Бекқызы'),
  m('Әлиев', 'Нұрсұлтан', 'kk', 'Қанатұлы'),
  f('Сағынтаева', 'Камила', 'ru'),
  m('Орынбасаров', 'Бекзат', 'kk', 'Мәлікұлы'),
  f('Дүйсенова', 'Анель', 'kk'),
  m('Ибраев', 'Тимур', 'ru', 'Русланович'),
  f('Мақсұтова', 'Гүлжан', 'kk', 'Әбілқызы'),
  m('Қуанышев', 'Санжар', 'ru'),
  f('Абдуллаева', 'Индира', 'ru', 'Ғаниқызы'),
  m('Жүнісов', 'Ілияс', 'kk', 'Серікұлы'),
];

/** A demo proctor with the plain PIN to print. */
export interface DemoProctorSpec { username: string; displayName: string; pin: string; roomIds: string[] }

export const PROCTOR_SPECS: readonly DemoProctorSpec[] = [
  { username: 'proctor1', displayName: 'Айжан Сейітова', pin: '1111', roomIds: ['room-1'] },
  { username: 'proctor2', displayName: 'Болат Жанәбілов', pin: '2222', roomIds: ['room-2'] },
];

/** The central staff roles (DESIGN.md, "People and access"). */
export type StaffRole = 'admin' | 'reviewer' | 'appeals' | 'auditor';

export interface DemoStaffSpec { username: StaffRole; role: StaffRole; displayName: string; password: string }

export const STAFF_SPECS: readonly DemoStaffSpec[] = [
  { username: 'admin', role: 'admin', displayName: 'Айнұр Қалиева', password: 'demo-admin-pass' },
  { username: 'reviewer', role: 'reviewer', displayName: 'Ербол Сапаров', password: 'demo-reviewer-pass' },
  { username: 'appeals', role: 'appeals', displayName: 'Жанар Мұсина', password: 'demo-appeals-pass' },
  { username: 'auditor', role: 'auditor', displayName: 'Марат Ізбасаров', password: 'demo-auditor-pass' },
];

/**
 * Valid, distinct IINs for `people`: birth dates between 1962 and 2005, each person's
 * own sex, serials from a seeded stream (a serial that cannot carry a check digit is skipped).
 */
export function makeIins(people: readonly DemoPerson[], seed: string): string[] {
  const random = seededRandom(`iin:${seed}`);
  const taken = new Set<string>();
  return people.map((person) => {
    const year = random.int(1962, 2005);
    const birthDate = `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
    for (let tries = 0; ; tries++) {
      if (tries > 100) throw new Error(`makeIins: no free serial for ${birthDate}`);
      let iin: string;
      try {
        iin = makeIin(birthDate, person.sex, random.int(0, 9999));
      } catch (error) {
        if (error instanceof RangeError) continue; // this serial gives no valid check digit
        throw error;
      }
      if (taken.has(iin)) continue;
      taken.add(iin);
      return iin;
    }
  });
}

/** Distinct six-digit one-time access codes from a seeded stream. */
export function makeAccessCodes(count: number, seed: string): string[] {
  const random = seededRandom(`access-code:${seed}`);
  const codes = new Set<string>();
  while (codes.size < count) codes.add(String(random.int(100_000, 999_999)));
  return [...codes];
}
