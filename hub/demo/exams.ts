/**
 * The two demo exams, built from the item banks in content/: a citizenship-style test
 * (NCT: three blocks, listening clips, analysis card) and an ICert-style certification
 * test (60 items, 60 %, results after the commission's review). Option order is
 * shuffled with a seeded generator, so the right answer is not always "a".
 */
import type { AnswerKey, Block, ExamPackage, Item, ItemKey, ProctoringPolicy } from '../../sync/package';
import { AnswerKey as AnswerKeySchema, ExamPackage as ExamPackageSchema } from '../../sync/package';
import { makeClipWav } from './audio';
import { CONSTITUTION_QUESTIONS } from './content/constitution';
import { HISTORY_QUESTIONS } from './content/history';
import { icertQuestions } from './content/icert';
import { LISTENING_PREFIX, LISTENING_QUESTIONS, readingQuestions } from './content/kazakh-language';
import { bi, type ChoiceQuestion } from './content/question';
import { seededRandom, type SeededRandom } from './random';

/** An exam as the hub holds it: the package devices get, and the key they never get. */
export interface DemoExam { examPackage: ExamPackage; answerKey: AnswerKey }

export const CITIZENSHIP_EXAM_ID = 'demo-citizenship';
export const ICERT_EXAM_ID = 'demo-icert-finance';
/** The accommodation code the roster grants for +30 minutes. */
export const EXTRA_TIME_30 = 'extra-time-30';
const EXAM_VERSION = 1;
const OPTION_IDS = ['a', 'b', 'c', 'd'] as const;
/** A listening clip may be played this many times (the citizenship test's rule). */
const LISTENING_MAX_PLAYS = 2;

interface BuiltItem { item: Item; key: ItemKey }

function choiceItem(itemId: string, question: ChoiceQuestion, random: SeededRandom, listening?: { mediaId: string }): BuiltItem {
  const texts = random.shuffle([question.correct, ...question.distractors]);
  const options = texts.map((text, index) => ({ optionId: OPTION_IDS[index] as string, text }));
  const correctIndex = texts.indexOf(question.correct);
  const stem = listening ? bi(`${LISTENING_PREFIX.kk} ${question.stem.kk}`, `${LISTENING_PREFIX.ru} ${question.stem.ru}`) : question.stem;
  const item: Item = { itemId, type: 'single', stem, points: 1, options, ...(listening ? { mediaId: listening.mediaId, maxPlays: LISTENING_MAX_PLAYS } : {}) };
  return { item, key: { correctOptionIds: [OPTION_IDS[correctIndex] as string] } };
}

const number2 = (n: number) => String(n).padStart(2, '0');

function block(blockId: string, title: { kk: string; ru: string }, passMark: number, built: BuiltItem[]): { block: Block; keys: Record<string, ItemKey> } {
  return {
    block: { blockId, title, passMark, items: built.map((b) => b.item) },
    keys: Object.fromEntries(built.map((b) => [b.item.itemId, b.key])),
  };
}

/** Thresholds follow the design: short hysteresis for faces, none for browser events. */
function proctoringPolicy(isVoiceMonitored: boolean): ProctoringPolicy {
  return {
    isCameraRequired: true,
    signals: {
      'no-face': { isEnabled: true, thresholdMs: 5000 },
      'head-turned': { isEnabled: true, thresholdMs: 5000 },
      'multiple-faces': { isEnabled: true, thresholdMs: 1000 },
      'camera-dark': { isEnabled: true, thresholdMs: 3000 },
      'camera-lost': { isEnabled: true, thresholdMs: 2000 },
      'focus-lost': { isEnabled: true, thresholdMs: 0 },
      'fullscreen-left': { isEnabled: true, thresholdMs: 0 },
      hotkey: { isEnabled: true, thresholdMs: 0 },
      'context-menu': { isEnabled: true, thresholdMs: 0 },
      'zoom-changed': { isEnabled: true, thresholdMs: 0 },
      'second-screen': { isEnabled: true, thresholdMs: 0 },
      'page-reloaded': { isEnabled: true, thresholdMs: 0 },
      // A classroom of candidates is never silent; only the ICert-style exam listens.
      'voice-noise': { isEnabled: isVoiceMonitored, thresholdMs: 3000 },
      'monitor-failed': { isEnabled: true, thresholdMs: 10_000 },
    },
    sampleIntervalMs: 500,
    fullRangeEvery: 10,
    headTurnedYawDegrees: 35,
    darkLumaBelow: 40,
    weights: {
      'multiple-faces': 10,
      'second-screen': 8,
      'no-face': 5,
      'focus-lost': 5,
      'monitor-failed': 5,
      'camera-lost': 4,
      'camera-dark': 4,
      'fullscreen-left': 4,
      'head-turned': 3,
      'page-reloaded': 2,
      hotkey: 2,
      'voice-noise': 2,
      'context-menu': 1,
      'zoom-changed': 1,
    },
  };
}

const EXTRA_TIME_ACCOMMODATION = {
  code: EXTRA_TIME_30,
  title: bi('Мүмкіндігі шектеулі үміткерге қосымша 30 минут', 'Дополнительные 30 минут для кандидата с инвалидностью'),
  extraMinutes: 30,
};

/** The citizenship-style exam: 30 + 40 + 30 items, 130 minutes, pass 15 / 20 / 15 and 50 in total. */
export function buildCitizenshipExam(): DemoExam {
  const random = seededRandom(`exam:${CITIZENSHIP_EXAM_ID}`);
  const media: ExamPackage['media'] = [];
  const listening = LISTENING_QUESTIONS.map((question, i) => {
    const mediaId = `audio-kaz-${number2(i + 1)}`;
    media.push({ mediaId, mime: 'audio/wav', base64: makeClipWav(mediaId).toString('base64') });
    return choiceItem(`kaz-${number2(i + 1)}`, question, random, { mediaId });
  });
  const reading = readingQuestions(CITIZENSHIP_EXAM_ID).map((question, i) => choiceItem(`kaz-${number2(i + 16)}`, question, random));
  const blocks = [
    block('kazakh-language', bi('Қазақ тілі', 'Казахский язык'), 15, [...listening, ...reading]),
    block('constitution', bi('Қазақстан Республикасының Конституциясы', 'Конституция Республики Казахстан'), 20,
      CONSTITUTION_QUESTIONS.map((question, i) => choiceItem(`con-${number2(i + 1)}`, question, random))),
    block('history', bi('Қазақстан тарихы', 'История Казахстана'), 15, HISTORY_QUESTIONS.map((question, i) => choiceItem(`his-${number2(i + 1)}`, question, random))),
  ];
  const examPackage = ExamPackageSchema.parse({
    format: 'exam-package/1',
    examId: CITIZENSHIP_EXAM_ID,
    version: EXAM_VERSION,
    title: bi('Қазақстан Республикасының азаматтығын алуға үміткерлерді тестілеу (демо)', 'Тестирование претендентов на получение гражданства Республики Казахстан (демо)'),
    durationMinutes: 130,
    blocks: blocks.map((b) => b.block),
    totalPassMark: { points: 50 },
    accommodations: [EXTRA_TIME_ACCOMMODATION],
    media,
    resultPolicy: { showAnalysisCard: true, contentAppealWindowMinutes: 30 },
    proctoring: proctoringPolicy(false),
  } satisfies ExamPackage);
  const answerKey = AnswerKeySchema.parse({ examId: CITIZENSHIP_EXAM_ID, version: EXAM_VERSION, items: Object.assign({}, ...blocks.map((b) => b.keys)) });
  return { examPackage, answerKey };
}

/** The ICert-style exam: 60 four-option items in one block, 100 minutes, pass at 60 %, no analysis card. */
export function buildIcertExam(): DemoExam {
  const random = seededRandom(`exam:${ICERT_EXAM_ID}`);
  const finance = block('finance', bi('Қаржылық есептеулер', 'Финансовые расчёты'), 0,
    icertQuestions(ICERT_EXAM_ID).map((question, i) => choiceItem(`fin-${number2(i + 1)}`, question, random)));
  const examPackage = ExamPackageSchema.parse({
    format: 'exam-package/1',
    examId: ICERT_EXAM_ID,
    version: EXAM_VERSION,
    title: bi('ICert: қаржылық есептеулер негіздері, сертификаттау тесті (демо)', 'ICert: основы финансовых расчётов, сертификационный тест (демо)'),
    durationMinutes: 100,
    blocks: [finance.block],
    totalPassMark: { percent: 60 },
    accommodations: [EXTRA_TIME_ACCOMMODATION],
    media: [],
    // Results come after the qualification commission's review, so no card at the end.
    resultPolicy: { showAnalysisCard: false, contentAppealWindowMinutes: 30 },
    proctoring: proctoringPolicy(true),
  } satisfies ExamPackage);
  const answerKey = AnswerKeySchema.parse({ examId: ICERT_EXAM_ID, version: EXAM_VERSION, items: finance.keys });
  return { examPackage, answerKey };
}
