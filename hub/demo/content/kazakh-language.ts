/**
 * Block 1 of the citizenship-style demo: Kazakh language, 15 listening and 15 reading
 * items. The language under test stays Kazakh in both versions (the options and the
 * quoted sentences); only the instruction is translated in the Russian version.
 */
import { seededRandom } from '../random';
import { bi, sameAll, type ChoiceQuestion } from './question';

/** A listening question: the stem is prefixed with the play instruction where the item is built. */
export const LISTENING_QUESTIONS: readonly ChoiceQuestion[] = [
  { stem: bi('Әлия қай қалада тұрады?', 'В каком городе живёт Алия?'), ...sameAll('Астанада тұрады', 'Алматыда тұрады', 'Шымкентте тұрады', 'Қарағандыда тұрады') },
  { stem: bi('Нұрлан дүкеннен не сатып алды?', 'Что Нурлан купил в магазине?'), ...sameAll('нан', 'сүт', 'алма', 'ет') },
  { stem: bi('Кездесу сағат нешеде басталады?', 'Во сколько начинается встреча?'), ...sameAll('сағат онда', 'сағат тоғызда', 'сағат он бірде', 'сағат екіде') },
  { stem: bi('Жұлдыз кім болып жұмыс істейді?', 'Кем работает Жулдыз?'), ...sameAll('мұғалім', 'дәрігер', 'инженер', 'аспаз') },
  { stem: bi('Ертең ауа райы қандай болады?', 'Какая погода будет завтра?'), ...sameAll('жаңбыр жауады', 'қар жауады', 'күн ашық болады', 'қатты жел соғады') },
  { stem: bi('Пойыз аптаның қай күні жүреді?', 'В какой день недели отправляется поезд?'), ...sameAll('сәрсенбі', 'дүйсенбі', 'бейсенбі', 'жұма') },
  { stem: bi('Сәуленің отбасында неше бала бар?', 'Сколько детей в семье Сауле?'), ...sameAll('үш', 'екі', 'төрт', 'бес') },
  { stem: bi('Ерлан демалыс күні қайда барады?', 'Куда Ерлан идёт в выходной день?'), ...sameAll('театрға', 'кітапханаға', 'базарға', 'саябаққа') },
  { stem: bi('Дина қай тілді үйреніп жүр?', 'Какой язык изучает Дина?'), ...sameAll('ағылшын тілін', 'қытай тілін', 'неміс тілін', 'түрік тілін') },
  { stem: bi('Асқар туған күнін қай айда тойлайды?', 'В каком месяце Аскар празднует день рождения?'), ...sameAll('сәуірде', 'қаңтарда', 'мамырда', 'желтоқсанда') },
  { stem: bi('Пәтерді жалдау айына қанша тұрады?', 'Сколько стоит аренда квартиры в месяц?'), ...sameAll('жүз елу мың теңге', 'жүз мың теңге', 'екі жүз мың теңге', 'сексен мың теңге') },
  { stem: bi('Қонақтар мерекеге не әкелді?', 'Что гости принесли на праздник?'), ...sameAll('гүл мен торт', 'кітап', 'ойыншық', 'жеміс') },
  { stem: bi('Марат жұмысқа немен барады?', 'На чём Марат добирается до работы?'), ...sameAll('автобуспен', 'таксимен', 'велосипедпен', 'пойызбен') },
  { stem: bi('Сабақ неше минутқа созылады?', 'Сколько минут длится урок?'), ...sameAll('қырық бес минут', 'қырық минут', 'елу минут', 'отыз минут') },
  { stem: bi('Дәрігер науқасқа не істеуге кеңес берді?', 'Что врач посоветовал больному?'), ...sameAll('көбірек демалуға', 'спортпен шұғылдануға', 'жұмысқа баруға', 'ерте тұруға') },
];

/** The play instruction in front of every listening stem. */
export const LISTENING_PREFIX = bi('Жазбаны тыңдаңыз (оны екі рет тыңдауға болады).', 'Прослушайте запись (её можно прослушать два раза).');

const FIXED_READING: readonly ChoiceQuestion[] = [
  { stem: bi('«Үлкен» сөзінің антонимін табыңыз.', 'Найдите антоним к слову «үлкен».'), ...sameAll('кіші', 'биік', 'ұзын', 'жақсы') },
  { stem: bi('«Әдемі» сөзінің синонимін табыңыз.', 'Найдите синоним к слову «әдемі».'), ...sameAll('сұлу', 'ескі', 'ауыр', 'суық') },
  { stem: bi('Сөйлемді толықтырыңыз: «Біз ертең ... барамыз».', 'Дополните предложение: «Біз ертең ... барамыз».'), ...sameAll('мектепке', 'мектепте', 'мектептен', 'мектептің') },
  { stem: bi('«Қыз» сөзінің көпше түрін табыңыз.', 'Найдите форму множественного числа слова «қыз».'), ...sameAll('қыздар', 'қызлар', 'қызтар', 'қыздер') },
  { stem: bi('Қай сөз отбасы мүшесін білдіреді?', 'Какое слово обозначает члена семьи?'), ...sameAll('әже', 'үстел', 'терезе', 'қалам') },
  { stem: bi('Жылдың бірінші айы қазақша қалай аталады?', 'Как по-казахски называется первый месяц года?'), ...sameAll('қаңтар', 'ақпан', 'наурыз', 'сәуір') },
  { stem: bi('Аптаның бірінші күні қазақша қалай аталады?', 'Как по-казахски называется первый день недели?'), ...sameAll('дүйсенбі', 'сейсенбі', 'сенбі', 'жексенбі') },
  { stem: bi('Сөйлемді толықтырыңыз: «Әкем зауытта ... істейді».', 'Дополните предложение: «Әкем зауытта ... істейді».'), ...sameAll('жұмыс', 'сабақ', 'ән', 'ойын') },
  { stem: bi('Сұрау есімдігін қойыңыз: «Бұл ... кітабы?»', 'Вставьте вопросительное слово: «Бұл ... кітабы?»'), ...sameAll('кімнің', 'қайда', 'қашан', 'неше') },
  { stem: bi('«Ыстық» сөзінің антонимін табыңыз.', 'Найдите антоним к слову «ыстық».'), ...sameAll('суық', 'жылы', 'қызыл', 'таза') },
  { stem: bi('«Кітапхана» сөзі неше буыннан тұрады?', 'Сколько слогов в слове «кітапхана»?'), ...sameAll('төрт', 'екі', 'үш', 'бес') },
  { stem: bi('Қай сөз қимылды білдіреді?', 'Какое слово обозначает действие?'), ...sameAll('жүгіру', 'үстел', 'жасыл', 'биік') },
  { stem: bi('Наурыз мерекесі жылдың қай мезгілінде тойланады?', 'В какое время года празднуют Наурыз?'), ...sameAll('көктемде', 'жазда', 'күзде', 'қыста') },
];

const UNITS = ['', 'бір', 'екі', 'үш', 'төрт', 'бес', 'алты', 'жеті', 'сегіз', 'тоғыз'] as const;
const TENS = ['', 'он', 'жиырма', 'отыз', 'қырық', 'елу', 'алпыс', 'жетпіс', 'сексен', 'тоқсан'] as const;

/** A number from 1 to 99 in Kazakh words: 47 → «қырық жеті». */
export function kazakhNumberWords(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 99) throw new RangeError(`kazakhNumberWords: 1..99, got ${value}`);
  return [TENS[Math.floor(value / 10)], UNITS[value % 10]].filter(Boolean).join(' ');
}

/** "How is N written in words?" with the swapped-digit and neighbouring tens as the wrong options. */
function numberQuestion(value: number): ChoiceQuestion {
  const tens = Math.floor(value / 10);
  const units = value % 10;
  const wrong = [units * 10 + tens, value + 10 > 99 ? value - 20 : value + 10, value - 10];
  return {
    stem: bi(`${value} саны қазақша сөзбен қалай жазылады?`, `Как пишется число ${value} словами по-казахски?`),
    ...sameAll(kazakhNumberWords(value), ...(wrong.map(kazakhNumberWords) as [string, string, string])),
  };
}

/** The 15 reading questions: 13 fixed ones and 2 number questions with seeded numbers. */
export function readingQuestions(seed: string): ChoiceQuestion[] {
  const random = seededRandom(`reading:${seed}`);
  // Two numbers with different tens and no repeated digit, so the swapped-digit option is a different number.
  const numbers: number[] = [];
  while (numbers.length < 2) {
    const tens = random.int(2, 9);
    const units = random.int(2, 9);
    if (tens !== units && numbers.every((n) => Math.floor(n / 10) !== tens)) numbers.push(tens * 10 + units);
  }
  return [...FIXED_READING, ...numbers.map(numberQuestion)];
}
