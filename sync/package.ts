/**
 * The exam package: what a candidate's device may see (blocks, items in kk and ru,
 * media, time, accommodations, pass marks, result and proctoring policy), and,
 * separately, the answer key, which only the venue and the hub ever hold.
 * Pass marks and times are part of an exam's definition, never constants in code.
 */
import { z } from 'zod';
import { ContentLanguage, Id, ViolationKind } from './events';

/** A text in both content languages. */
export const Bilingual = z.object({ kk: z.string().trim().min(1).max(20_000), ru: z.string().trim().min(1).max(20_000) });
export type Bilingual = z.infer<typeof Bilingual>;

/** One answer option, in both languages. */
export const ItemOption = z.object({ optionId: Id, text: Bilingual });

/** How a multiple-answer item gives partial credit. */
export const PartialCredit = z.enum(['all-or-nothing', 'proportional', 'right-minus-wrong']);
export type PartialCredit = z.infer<typeof PartialCredit>;

const itemBase = {
  itemId: Id,
  stem: Bilingual,
  points: z.number().positive().max(100),
  /** A listening item names its audio clip and how often it may be played. */
  mediaId: Id.optional(),
  maxPlays: z.number().int().positive().max(10).optional(),
};

/** A test item. Types: single answer, multiple answer, open response. */
export const Item = z.discriminatedUnion('type', [
  z.object({ ...itemBase, type: z.literal('single'), options: z.array(ItemOption).min(2).max(10) }),
  z.object({ ...itemBase, type: z.literal('multiple'), options: z.array(ItemOption).min(2).max(10), partialCredit: PartialCredit }),
  z.object({ ...itemBase, type: z.literal('open'), maxLength: z.number().int().positive().max(20_000).default(4000) }),
]);
export type Item = z.infer<typeof Item>;

/** A block (section) with its own pass mark, in points. */
export const Block = z.object({
  blockId: Id,
  title: Bilingual,
  passMark: z.number().nonnegative(),
  items: z.array(Item).min(1).max(500),
});
export type Block = z.infer<typeof Block>;

/** A media clip, base64 inside the package so the whole package caches as one file. */
export const Media = z.object({ mediaId: Id, mime: z.enum(['audio/wav', 'audio/mpeg', 'audio/ogg', 'image/png', 'image/jpeg']), base64: z.string().max(2_000_000) });

/** An accommodation the roster can grant, e.g. +30 minutes for a disability. */
export const Accommodation = z.object({ code: Id, title: Bilingual, extraMinutes: z.number().int().nonnegative().max(240) });

/** What the candidate sees after finishing, and the appeal window. */
export const ResultPolicy = z.object({
  showAnalysisCard: z.boolean(),
  contentAppealWindowMinutes: z.number().int().nonnegative().max(7 * 24 * 60).default(30),
});
export type ResultPolicy = z.infer<typeof ResultPolicy>;

/** One proctoring signal's on/off and threshold. */
export const SignalPolicy = z.object({ isEnabled: z.boolean(), thresholdMs: z.number().int().nonnegative().max(600_000).default(0) });

/**
 * What makes an identity photo acceptable. The photo is taken before the package's
 * key is released, so the device judges it first with these defaults and again
 * against the package's own limits when the candidate starts.
 */
export const IdentityPhotoLimits = z.object({
  /** Face box width as a share of the frame width, below which the candidate must come closer. */
  minFaceWidthRatio: z.number().min(0.05).max(0.9).default(0.18),
  /** Largest distance of the face centre from the frame centre, as a share of the frame size. */
  maxCentreOffsetRatio: z.number().min(0.05).max(0.5).default(0.25),
  /** Largest head yaw, in degrees, for a photo "face straight". */
  maxYawDegrees: z.number().min(5).max(90).default(20),
  /** Mean luma (0..255) below which the frame is too dark. */
  minLuma: z.number().min(0).max(255).default(40),
});
export type IdentityPhotoLimits = z.infer<typeof IdentityPhotoLimits>;

/** Proctoring thresholds and switches; no number lives in code. */
export const ProctoringPolicy = z.object({
  isCameraRequired: z.boolean(),
  signals: z.partialRecord(ViolationKind, SignalPolicy),
  sampleIntervalMs: z.number().int().min(100).max(10_000).default(500),
  fullRangeEvery: z.number().int().min(1).max(100).default(10),
  headTurnedYawDegrees: z.number().min(5).max(90).default(35),
  darkLumaBelow: z.number().min(0).max(255).default(40),
  // The two fields below are optional in the type, so a package written before they
  // existed still type-checks; parsing fills in their defaults all the same.
  /** A page or pinch zoom further than this many percent from the start is a violation. */
  zoomTolerancePercent: z.number().min(1).max(25).default(5).optional(),
  /** The identity photo's limits, applied when the candidate starts. */
  identityPhoto: IdentityPhotoLimits.prefault({}).optional(),
  /** Credibility weights per violation kind, per minute (the hub's review). */
  weights: z.partialRecord(ViolationKind, z.number().nonnegative().max(100)).default({}),
});
export type ProctoringPolicy = z.infer<typeof ProctoringPolicy>;

/** Total pass mark: in points, or as a percentage of the total. */
export const TotalPassMark = z.union([z.object({ points: z.number().nonnegative() }), z.object({ percent: z.number().min(0).max(100) })]);

/** The exam package as a device receives it (after decryption). It holds no answer key. */
export const ExamPackage = z.object({
  format: z.literal('exam-package/1'),
  examId: Id,
  version: z.number().int().positive(),
  title: Bilingual,
  durationMinutes: z.number().int().positive().max(600),
  blocks: z.array(Block).min(1).max(20),
  totalPassMark: TotalPassMark,
  accommodations: z.array(Accommodation).max(20).default([]),
  media: z.array(Media).max(200).default([]),
  resultPolicy: ResultPolicy,
  proctoring: ProctoringPolicy,
});
export type ExamPackage = z.infer<typeof ExamPackage>;

/** The key of one item: correct options for choice items, or a marking note for open items. */
export const ItemKey = z.union([z.object({ correctOptionIds: z.array(Id).min(1) }), z.object({ markingNote: z.string().max(4000) })]);
export type ItemKey = z.infer<typeof ItemKey>;

/** The answer key: never sent to a candidate's device. */
export const AnswerKey = z.object({ examId: Id, version: z.number().int().positive(), items: z.record(Id, ItemKey) });
export type AnswerKey = z.infer<typeof AnswerKey>;

/** The content language versions a device may be given; the roster fixes one per candidate. */
export const PackageLanguage = ContentLanguage;

/** All items of a package, in block order. */
export function itemsOf(examPackage: ExamPackage): Array<Item & { blockId: string }> {
  return examPackage.blocks.flatMap((block) => block.items.map((item) => ({ ...item, blockId: block.blockId })));
}
