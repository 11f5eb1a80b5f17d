// Kazakh catalogue of the shell's messages (terms from docs GLOSSARY.md).
// Keys listed in kkNeedsReview rest on community usage only ([C]) or on no
// source at all (unverified); a native reviewer signs them off before release.
import type { Catalogue } from '../types';

export const kk: Catalogue = {
  'app.name': 'Компьютерлік тестілеу', // unverified
  'app.loading': 'Жүктелуде…', // unverified
  'app.offline': 'Тестілеу өткізу пунктінің серверімен байланыс жоқ. Жауаптарыңыз осы компьютерде сақталады.', // unverified
  'app.online': 'Байланыс бар', // unverified
  'app.update-ready': 'Жаңа нұсқа дайын.', // unverified
  'app.update-apply': 'Жаңарту', // unverified
  'app.update-after-attempt': 'Ол тестілеу аяқталғаннан кейін орнатылады.', // unverified

  'language.label': 'Тіл',
  'language.test-language': 'Тестілеу тілі',

  'area.candidate': 'Тестіленуші',
  'area.proctor': 'Проктор',
  'area.central': 'Орталық кеңсе', // unverified

  'sign-in.title': 'Кіру',
  'sign-in.iin': 'ЖСН',
  'sign-in.enter-iin': 'ЖСН енгізіңіз',
  'sign-in.iin-invalid': 'ЖСН дұрыс емес', // [C]
  'sign-in.access-code': 'Кіру коды', // [C]
  'sign-in.access-code-wrong': 'Қате код', // [C]
  'sign-in.password': 'Құпиясөз',
  'sign-in.submit': 'Кіру',
  'sign-in.placeholder': 'Бұл бөлімге кіру дайындалуда.', // unverified

  'common.confirm': 'Растау',
  'common.cancel': 'Болдырмау',
  'common.close': 'Жабу',
  'common.save': 'Сақтау',
  'common.error': 'Қате',
  'common.try-again': 'Қайтадан көріңіз', // [C]
  'common.required': 'Толтыру қажет',
  'common.attention': 'Назар аударыңыз!',
  'common.help': 'Көмек',

  'sync.title': 'Синхрондау',
  // G1: the noun stays singular after a number, and no suffix follows '#'.
  'sync.pending': { one: 'Жіберуді күтудегі оқиға: #', other: 'Жіберуді күтудегі оқиға: #' }, // [C]
  'sync.all-sent': 'Барлығы жіберілді', // unverified
  'sync.waiting-server': 'Сервердің жауабын күтіңіз!',
  'sync.last-ack': 'Соңғы растау: {time}', // unverified

  'storage.full': 'Осы компьютердің жады толды. Проктормен дереу хабарласыңыз; терезені жаппаңыз.', // unverified
  'storage.failed': 'Осы компьютерде сақтау мүмкін болмады. Проктормен дереу хабарласыңыз; терезені жаппаңыз.', // unverified
};

/** kk messages that a native reviewer must sign off: [C] (community usage) or unverified. */
export const kkNeedsReview: readonly string[] = [
  'app.name', 'app.loading', 'app.offline', 'app.online', 'app.update-ready', 'app.update-apply',
  'app.update-after-attempt', 'area.central', 'sign-in.iin-invalid', 'sign-in.access-code',
  'sign-in.access-code-wrong', 'sign-in.placeholder', 'common.try-again', 'sync.pending',
  'sync.all-sent', 'sync.last-ack', 'storage.full', 'storage.failed',
];
