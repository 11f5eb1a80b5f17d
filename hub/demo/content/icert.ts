/**
 * The ICert-style demo exam: sixty questions on everyday financial calculations. Each
 * question comes from a template over seeded numbers, so every stem is different and
 * the right answer is computed, never typed in by hand. Every question states the rate
 * it uses, so none depends on a tax rate that may change.
 */
import { seededRandom, type SeededRandom } from '../random';
import { bi, formatNumber, type ChoiceQuestion } from './question';

const tenge = (value: number) => bi(`${formatNumber(value)} теңге`, `${formatNumber(value)} тенге`);
const percent = (value: number) => bi(`${value} %`, `${value} %`);

interface Draft { stem: [string, string]; correct: number; wrong: [number, number, number]; unit: 'tenge' | 'percent' }

const RATES = [5, 8, 10, 12, 15, 20, 25, 30, 40] as const;

function amount(random: SeededRandom, minThousands: number, maxThousands: number): number {
  return random.int(minThousands, maxThousands) * 1000;
}

const TEMPLATES: ReadonlyArray<(random: SeededRandom) => Draft> = [
  (random) => {
    const base = amount(random, 10, 500);
    const rate = random.pick(RATES);
    const part = (base * rate) / 100;
    const x = formatNumber(base);
    return {
      stem: [`${x} теңгенің ${rate} пайызы қанша теңге болады?`, `Сколько тенге составляют ${rate} % от ${x} тенге?`],
      correct: part, wrong: [part * 10, base - part, part + base / 100], unit: 'tenge',
    };
  },
  (random) => {
    const price = amount(random, 5, 300);
    const rate = random.pick(RATES);
    const cut = (price * rate) / 100;
    const x = formatNumber(price);
    return {
      stem: [`Тауардың бағасы ${x} теңге. ${rate} % жеңілдікпен ол қанша теңге тұрады?`, `Товар стоит ${x} тенге. Сколько тенге он будет стоить со скидкой ${rate} %?`],
      correct: price - cut, wrong: [cut, price + cut, price - cut / 2], unit: 'tenge',
    };
  },
  (random) => {
    const deposit = amount(random, 100, 2000);
    const rate = random.pick(RATES);
    const interest = (deposit * rate) / 100;
    const x = formatNumber(deposit);
    return {
      stem: [`Салымшы банкке жылдық ${rate} % жай пайызбен ${x} теңге салды. Бір жылдан кейін шотта қанша теңге болады?`,
        `Вкладчик положил в банк ${x} тенге под ${rate} % годовых (простые проценты). Сколько тенге будет на счёте через год?`],
      correct: deposit + interest, wrong: [interest, deposit - interest, deposit + 2 * interest], unit: 'tenge',
    };
  },
  (random) => {
    const count = random.int(3, 12);
    const unitPrice = random.int(2, 90) * 100;
    const total = count * unitPrice;
    return {
      stem: [`${count} дана тауар жалпы ${formatNumber(total)} теңге тұрады. Бір дананың бағасы қанша теңге?`,
        `${count} единиц товара стоят в сумме ${formatNumber(total)} тенге. Сколько тенге стоит одна единица?`],
      correct: unitPrice, wrong: [unitPrice * 2, unitPrice + 100 * count, total - unitPrice], unit: 'tenge',
    };
  },
  (random) => {
    const first = random.int(150, 600);
    const second = random.int(150, 600);
    const drawn = random.int(150, 600);
    // The third month is nudged so the total divides by three: the average is whole tenge.
    const third = drawn + ((3 - ((first + second + drawn) % 3)) % 3);
    const [a, b, c] = [first * 1000, second * 1000, third * 1000];
    const sum = a + b + c;
    const average = Math.round(sum / 3);
    return {
      stem: [`Қызметкердің үш айдағы жалақысы: ${formatNumber(a)}, ${formatNumber(b)} және ${formatNumber(c)} теңге. Орташа айлық жалақы қанша теңге?`,
        `Зарплата сотрудника за три месяца: ${formatNumber(a)}, ${formatNumber(b)} и ${formatNumber(c)} тенге. Какова средняя месячная зарплата в тенге?`],
      correct: average, wrong: [sum, Math.round(sum / 2), average + 10_000], unit: 'tenge',
    };
  },
  (random) => {
    const before = random.int(10, 400) * 100;
    const rate = random.pick(RATES);
    const after = before + (before * rate) / 100;
    return {
      stem: [`Тауардың бағасы ${formatNumber(before)} теңгеден ${formatNumber(after)} теңгеге өсті. Баға неше пайызға өсті?`,
        `Цена товара выросла с ${formatNumber(before)} до ${formatNumber(after)} тенге. На сколько процентов выросла цена?`],
      correct: rate, wrong: [rate + 5, rate * 2, Math.max(1, rate - 3)], unit: 'percent',
    };
  },
];

function isWellFormed(draft: Draft): boolean {
  const values = [draft.correct, ...draft.wrong];
  return values.every((v) => Number.isInteger(v) && v > 0) && new Set(values).size === values.length;
}

/** Sixty financial-calculation questions, ten from each template, all stems different. */
export function icertQuestions(seed: string): ChoiceQuestion[] {
  const random = seededRandom(`icert:${seed}`);
  const questions: ChoiceQuestion[] = [];
  const seen = new Set<string>();
  for (const template of TEMPLATES) {
    let made = 0;
    for (let tries = 0; made < 10; tries++) {
      if (tries > 1000) throw new Error('icertQuestions: could not find ten distinct questions for a template');
      const draft = template(random);
      if (!isWellFormed(draft) || seen.has(draft.stem[0])) continue;
      seen.add(draft.stem[0]);
      const format = draft.unit === 'tenge' ? tenge : percent;
      questions.push({ stem: bi(...draft.stem), correct: format(draft.correct), distractors: [format(draft.wrong[0]), format(draft.wrong[1]), format(draft.wrong[2])] });
      made++;
    }
  }
  return questions;
}
