/**
 * The exam package a released session key opens, decrypted synchronously with Node's
 * AES-256-GCM (the same format as sync/seal.ts: the GCM tag after the ciphertext), so the
 * venue can read an attempt's duration inside an ingest transaction, where nothing may
 * await. Opened packages stay in memory only.
 */
import { createDecipheriv } from 'node:crypto';
import { AnswerKey, ExamPackage } from '../../sync/package';
import type { VenueStore } from '../db/store';

const TAG_BYTES = 16;

function openSync(sealed: { iv: string; ciphertext: string }, keyHex: string): string {
  const bytes = Buffer.from(sealed.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

export class PackageCache {
  readonly #store: VenueStore;
  readonly #opened = new Map<string, ExamPackage>();
  readonly #answerKeys = new Map<string, AnswerKey>();

  constructor(store: VenueStore) {
    this.#store = store;
  }

  /** The session's package once its key is released here; undefined before (or if it fails to open). */
  opened(sessionId: string): ExamPackage | undefined {
    const cached = this.#opened.get(sessionId);
    if (cached) return cached;
    const released = this.#store.downlink.releasedKey(sessionId);
    const sealed = this.#store.downlink.sealedPackage(sessionId);
    if (!released || !sealed) return undefined;
    try {
      const examPackage = ExamPackage.parse(JSON.parse(openSync(sealed, released.key)));
      this.#opened.set(sessionId, examPackage);
      return examPackage;
    } catch (error) {
      console.error(`[proctor] the package of ${sessionId} does not open with its released key`, error);
      return undefined;
    }
  }

  /** The session's answer key once its key is released here; never served to a candidate. */
  answerKey(sessionId: string): AnswerKey | undefined {
    const cached = this.#answerKeys.get(sessionId);
    if (cached) return cached;
    const released = this.#store.downlink.releasedKey(sessionId);
    const sealed = this.#store.downlink.sealedAnswerKey(sessionId);
    if (!released || !sealed) return undefined;
    try {
      const answerKey = AnswerKey.parse(JSON.parse(openSync(sealed, released.key)));
      this.#answerKeys.set(sessionId, answerKey);
      return answerKey;
    } catch (error) {
      console.error(`[venue] the answer key of ${sessionId} does not open with its released key`, error);
      return undefined;
    }
  }

  /** The candidate's time: the exam's duration plus their granted accommodations. */
  durationMs(sessionId: string, accommodations: readonly string[]): number | null {
    const examPackage = this.opened(sessionId);
    if (!examPackage) return null;
    const granted = new Set(accommodations);
    const extraMinutes = examPackage.accommodations.filter((a) => granted.has(a.code)).reduce((sum, a) => sum + a.extraMinutes, 0);
    return (examPackage.durationMinutes + extraMinutes) * 60_000;
  }

  itemCount(sessionId: string): number | null {
    const examPackage = this.opened(sessionId);
    return examPackage ? examPackage.blocks.reduce((sum, block) => sum + block.items.length, 0) : null;
  }
}
