/**
 * The exam import format (`exam-import/1`, documented in hub/README.md) and its checks.
 * A file is either accepted whole or refused whole: every problem is reported at once,
 * each naming the block, the item, the field and, for texts, the language version
 * (kk or ru) it concerns, so an author can fix the file in one pass.
 */
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../../sync/canonical';
import { AnswerKey, ExamPackage, itemsOf, ItemKey } from '../../sync/package';
import { Id } from '../../sync/events';

/** The file staff upload: the package devices get and the key they never get. */
export const ExamImportFile = z.object({
  format: z.literal('exam-import/1'),
  package: z.unknown(),
  answerKey: z.object({ items: z.record(z.string(), z.unknown()) }).passthrough(),
});

/** One problem in an import file. */
export interface ImportProblem {
  /** Stable code the interface translates. */
  code: string;
  blockId?: string;
  itemId?: string;
  /** The field inside the item (or package), e.g. `stem`, `options[b].text`, `key`. */
  field: string;
  language?: 'kk' | 'ru';
  /** The JSON path, for tools. */
  path: string;
  message: string;
}

export type ExamImportOutcome =
  | { isValid: true; examPackage: ExamPackage; answerKey: AnswerKey; sha256: string }
  | { isValid: false; problems: ImportProblem[] };

type Segment = PropertyKey;

/** Names the block, item and field of a zod issue path inside the raw package. */
function locate(raw: unknown, path: readonly Segment[], message: string, code: string): ImportProblem {
  const at = (value: unknown, key: Segment): unknown => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key as string] : undefined);
  const problem: ImportProblem = { code, field: '', path: path.map(String).join('.'), message };
  let cursor: unknown = raw;
  const rest: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const next = at(cursor, key);
    if (path[i - 1] === 'blocks' && typeof key === 'number') {
      const blockId = at(next, 'blockId');
      problem.blockId = typeof blockId === 'string' ? blockId : `#${key + 1}`;
      rest.length = 0;
    } else if (path[i - 1] === 'items' && typeof key === 'number') {
      const itemId = at(next, 'itemId');
      problem.itemId = typeof itemId === 'string' ? itemId : `#${key + 1}`;
      rest.length = 0;
    } else if (path[i - 1] === 'options' && typeof key === 'number') {
      const optionId = at(next, 'optionId');
      rest[rest.length - 1] = `options[${typeof optionId === 'string' ? optionId : `#${key + 1}`}]`;
    } else if ((key === 'kk' || key === 'ru') && i === path.length - 1) {
      problem.language = key;
    } else if (key !== 'blocks' && key !== 'items') {
      rest.push(String(key));
    }
    cursor = next;
  }
  problem.field = rest.join('.') || (problem.itemId ? 'item' : 'package');
  return problem;
}

const codeOf = (issue: z.core.$ZodIssue): string => {
  if (issue.code === 'invalid_type' && /undefined/.test(issue.message)) return 'missing';
  if (issue.code === 'too_small' && issue.path.at(-1) !== undefined && ['kk', 'ru'].includes(String(issue.path.at(-1)))) return 'missing-text';
  return `invalid-${issue.code.replaceAll('_', '-')}`;
};

/** The content checks zod cannot express: ids unique, keys complete and pointing at real options, marks reachable. */
function checkContent(examPackage: ExamPackage, rawKey: Record<string, unknown>, problems: ImportProblem[]): AnswerKey['items'] {
  const push = (problem: Omit<ImportProblem, 'path'> & { path?: string }) => problems.push({ path: problem.path ?? '', ...problem });
  const seenItems = new Set<string>();
  const seenBlocks = new Set<string>();
  const mediaIds = new Set(examPackage.media.map((media) => media.mediaId));
  const keys: AnswerKey['items'] = {};
  for (const block of examPackage.blocks) {
    if (seenBlocks.has(block.blockId)) push({ code: 'duplicate-block', blockId: block.blockId, field: 'blockId', message: `block ${block.blockId} appears twice` });
    seenBlocks.add(block.blockId);
    const blockMax = block.items.reduce((sum, item) => sum + item.points, 0);
    if (block.passMark > blockMax) push({ code: 'pass-mark-unreachable', blockId: block.blockId, field: 'passMark', message: `pass mark ${block.passMark} is above the block's ${blockMax} points` });
  }
  for (const item of itemsOf(examPackage)) {
    const where = { blockId: item.blockId, itemId: item.itemId };
    if (seenItems.has(item.itemId)) push({ ...where, code: 'duplicate-item', field: 'itemId', message: `item ${item.itemId} appears twice` });
    seenItems.add(item.itemId);
    if (item.mediaId && !mediaIds.has(item.mediaId)) push({ ...where, code: 'unknown-media', field: 'mediaId', message: `media ${item.mediaId} is not in the package` });
    const optionIds = item.type === 'open' ? [] : item.options.map((option) => option.optionId);
    if (new Set(optionIds).size !== optionIds.length) push({ ...where, code: 'duplicate-option', field: 'options', message: 'two options share an id' });
    const parsedKey = ItemKey.safeParse(rawKey[item.itemId]);
    if (rawKey[item.itemId] === undefined) {
      push({ ...where, code: 'missing-key', field: 'key', message: `the answer key has no entry for ${item.itemId}` });
      continue;
    }
    if (!parsedKey.success) {
      push({ ...where, code: 'invalid-key', field: 'key', message: parsedKey.error.issues[0]?.message ?? 'not a key' });
      continue;
    }
    const key = parsedKey.data;
    keys[item.itemId] = key;
    if (item.type === 'open') {
      if (!('markingNote' in key)) push({ ...where, code: 'key-type', field: 'key', message: 'an open item is keyed by a marking note' });
      continue;
    }
    if (!('correctOptionIds' in key)) {
      push({ ...where, code: 'key-type', field: 'key', message: 'a choice item is keyed by its correct options' });
      continue;
    }
    for (const optionId of key.correctOptionIds) {
      if (!optionIds.includes(optionId)) push({ ...where, code: 'key-unknown-option', field: 'key', message: `the key names option ${optionId}, which the item does not have` });
    }
    if (item.type === 'single' && key.correctOptionIds.length !== 1) push({ ...where, code: 'key-single-count', field: 'key', message: 'a single-answer item has exactly one correct option' });
  }
  for (const itemId of Object.keys(rawKey)) {
    if (!seenItems.has(itemId)) push({ itemId, code: 'key-unknown-item', field: 'key', message: `the key names item ${itemId}, which the package does not have` });
  }
  const totalMax = itemsOf(examPackage).reduce((sum, item) => sum + item.points, 0);
  const pass = examPackage.totalPassMark;
  if ('points' in pass && pass.points > totalMax) push({ code: 'pass-mark-unreachable', field: 'totalPassMark', message: `total pass mark ${pass.points} is above the exam's ${totalMax} points` });
  return keys;
}

/** Validates an uploaded import file; never throws on bad content. */
export function validateExamImport(input: unknown): ExamImportOutcome {
  const file = ExamImportFile.safeParse(input);
  if (!file.success) {
    return { isValid: false, problems: file.error.issues.map((issue) => ({ code: codeOf(issue), field: issue.path.map(String).join('.') || 'file', path: issue.path.map(String).join('.'), message: issue.message })) };
  }
  const parsed = ExamPackage.safeParse(file.data.package);
  if (!parsed.success) {
    return { isValid: false, problems: parsed.error.issues.map((issue) => locate(file.data.package, issue.path, issue.message, codeOf(issue))) };
  }
  const problems: ImportProblem[] = [];
  const rawKey = file.data.answerKey.items;
  for (const id of Object.keys(rawKey)) {
    if (!Id.safeParse(id).success) problems.push({ code: 'invalid-item-id', itemId: id, field: 'key', path: `answerKey.items.${id}`, message: 'not a valid item id' });
  }
  const keys = checkContent(parsed.data, rawKey, problems);
  if (problems.length > 0) return { isValid: false, problems };
  const answerKey: AnswerKey = { examId: parsed.data.examId, version: parsed.data.version, items: keys };
  return { isValid: true, examPackage: parsed.data, answerKey, sha256: sha256Hex(canonicalJson({ package: parsed.data, answerKey })) };
}
