/**
 * The candidate's attempt, shared by every candidate page: who signed in, the package
 * (cached SEALED in IndexedDB; opened in memory only once the key is released), the
 * answers, flags and audio plays, where each answer is saved, and the venue's timer.
 *
 * Kept on the PC (`kv`) so that an attempt resumes after a browser or PC restart with the
 * venue unreachable: the profile, the sealed package, the released key of the attempt
 * (client/db/attempt-secrets, deleted once the attempt is over) and the venue's last timer
 * snapshot with the wall-clock time it was received. The opened package is never stored.
 *
 * Every change the candidate makes is an event appended to the device's chain the moment
 * it is made (client/db), then pumped to the venue by the outbox. The venue's receipt
 * is what turns "saved on this computer" into "sent to the server", never a guess.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AnswerValue, ChainedEvent } from '../../../sync/events';
import { foldAttempt, type AttemptStatus } from '../../../sync/fold';
import { ExamPackage, itemsOf } from '../../../sync/package';
import { openPackage } from '../../../sync/seal';
import {
  attemptKey, deleteAttemptKey, deleteAttemptKeysExcept, ensureDevice, eventsForAttempt, getDevice, kvGet, kvSet, pendingEvents, isDeviceStoreError, saveAttemptKey, type EventDraft,
} from '../../db';
import { setAttemptInProgress } from '../../shell/useAppUpdate';
import { createDeviceWriter, type DeviceWriter } from '../../sync/device-writer';
import { createOutbox, type Outbox } from '../../sync/outbox';
import { candidateApi, CandidateApiError, type AttemptView, type CandidateProfile, type SealedPackageView, type TimerSnapshot } from '../api';
import type { AttemptEventDraft } from '../proctoring-hooks';

export type SaveState = 'saving' | 'local' | 'venue' | 'failed';

const PROFILE_KEY = 'candidate.profile';
const sealedKey = (sessionId: string) => `candidate.sealed.${sessionId}`;
const timerKey = (attemptId: string) => `candidate.timer.${attemptId}`;

/** The device's countdown: the venue's time left at the last contact, and when that was on the monotonic clock. */
interface TimerContact {
  state: TimerSnapshot['state'];
  remainingMs: number;
  atPerf: number;
}

/** The venue's last timer snapshot as kept on the PC: `atWall` is when it arrived, on the PC's clock. */
interface StoredTimerContact {
  attemptId: string;
  state: TimerSnapshot['state'];
  remainingMs: number;
  atWall: number;
}

/**
 * The countdown to resume from after a restart with no venue. `performance.now()` starts
 * again at zero in a new browser, so the monotonic clock cannot say how long the PC was off:
 * the wall clock since the last contact is the best a restarted PC has (a PC clock set back
 * counts as no time passed). The venue's clock corrects it at the next contact.
 */
export function resumedTimer(stored: StoredTimerContact, nowWall: number, nowPerf: number): TimerContact {
  const elapsed = Math.max(0, nowWall - stored.atWall);
  const remainingMs = stored.state === 'running' ? Math.max(0, stored.remainingMs - elapsed) : stored.remainingMs;
  return { state: stored.state, remainingMs, atPerf: nowPerf };
}

const isOver = (status: AttemptStatus) => status === 'finished' || status === 'removed';

function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export const useAttemptStore = defineStore('candidate-attempt', () => {
  const profile = ref<CandidateProfile | null>(null);
  const isRulesAccepted = ref(false);
  const isPreCheckDone = ref(false);
  const examPackage = shallowRef<ExamPackage | null>(null);
  const status = ref<AttemptStatus>('not-started');
  /** Why this PC finished the attempt, once it has: the result page says "time is up" for 'time-up'. */
  const finishReason = ref<'candidate' | 'time-up' | null>(null);
  const answers = ref<Record<string, AnswerValue>>({});
  const flagged = ref<Record<string, boolean>>({});
  const audioPlays = ref<Record<string, number>>({});
  const saveStates = ref<Record<string, SaveState>>({});
  const currentIndex = ref(0);
  const timer = ref<TimerContact | null>(null);
  const saveError = ref<Error | null>(null);
  /** The newest event seq written for each item's answer or flag, to match against receipts. */
  const itemSeqs = new Map<string, number>();
  let outbox: Outbox | null = null;
  let writer: DeviceWriter | null = null;
  const isVenueReachable = ref(true);
  const pendingCount = ref(0);

  const items = computed(() => (examPackage.value ? itemsOf(examPackage.value) : []));
  const currentItem = computed(() => items.value[currentIndex.value] ?? null);
  const attemptId = computed(() => profile.value?.attemptId ?? null);
  const unansweredItemIds = computed(() => items.value.filter((item) => !answers.value[item.itemId]).map((item) => item.itemId));
  const flaggedItemIds = computed(() => items.value.filter((item) => flagged.value[item.itemId]).map((item) => item.itemId));

  function theOutbox(): Outbox {
    if (!outbox) {
      // The venue is on the classroom LAN: a short backoff finds it again quickly after an outage.
      outbox = createOutbox({ backoffBaseMs: 500, backoffMaxMs: 4000, pollMs: 3000 });
      outbox.start();
      // From what the outbox knows: a read of the store every second would hold up the writer's next commit.
      setInterval(refreshFromOutbox, 1000);
    }
    return outbox;
  }

  /** Appends in the device writer's worker, which also sends each event to the venue at once. */
  function theWriter(): DeviceWriter {
    writer ??= createDeviceWriter({
      venueCursor: () => theOutbox().cursor(),
      onReceipt: (receipt) => {
        markSentThrough(receipt.ackedSeq);
        void theOutbox().noteReceipt(receipt).then(refreshFromOutbox);
      },
      onUnsent: () => theOutbox().kick(),
    });
    return writer;
  }

  /** Items whose newest event the venue now holds are "sent to the server". */
  function markSentThrough(ackedSeq: number): void {
    for (const [itemId, seq] of itemSeqs) {
      if (seq <= ackedSeq && saveStates.value[itemId] === 'local') saveStates.value[itemId] = 'venue';
    }
  }

  /** The venue's reach, the pending count and the save marks as the outbox last heard. */
  function refreshFromOutbox(): void {
    if (!outbox) return;
    isVenueReachable.value = outbox.isOnline.value;
    pendingCount.value = outbox.pending.value;
    const cursor = outbox.cursor();
    if (cursor) markSentThrough(cursor.ackedSeq);
  }

  /** Marks as "sent to the server" every item whose newest event the venue has acknowledged (read from the store). */
  async function refreshReceipts(): Promise<void> {
    if (!outbox) return;
    isVenueReachable.value = outbox.isOnline.value;
    const pending = await pendingEvents(5000);
    pendingCount.value = pending.length;
    const pendingSeqs = new Set(pending.map((event) => event.seq));
    for (const [itemId, seq] of itemSeqs) {
      if (saveStates.value[itemId] === 'local' && !pendingSeqs.has(seq)) saveStates.value[itemId] = 'venue';
    }
  }

  async function record(draft: AttemptEventDraft, itemId?: string): Promise<ChainedEvent> {
    if (!attemptId.value) throw new Error('no attempt: sign in first');
    if (itemId) saveStates.value[itemId] = 'saving';
    try {
      const event = await theWriter().append({ ...draft, attemptId: attemptId.value } as EventDraft);
      theOutbox().noteWritten(event);
      saveError.value = null;
      if (itemId) {
        itemSeqs.set(itemId, event.seq);
        // A receipt from the writer's fast path may have come first.
        const cursor = theOutbox().cursor();
        saveStates.value[itemId] = cursor && cursor.epoch === event.epoch && cursor.ackedSeq >= event.seq ? 'venue' : 'local';
      }
      return event;
    } catch (error) {
      if (itemId) saveStates.value[itemId] = 'failed';
      saveError.value = isDeviceStoreError(error) ? error : new Error(String(error));
      throw error;
    }
  }

  async function signIn(iin: string, accessCode: string): Promise<CandidateProfile> {
    const device = await ensureDevice();
    const signedIn = await candidateApi.login({ iin: iin.trim(), accessCode, deviceId: device.deviceId });
    profile.value = signedIn;
    finishReason.value = null;
    await kvSet(PROFILE_KEY, signedIn);
    await deleteAttemptKeysExcept(signedIn.attemptId).catch(() => undefined);
    return signedIn;
  }

  /** After a reload: who is signed in on this PC (the venue's answer, else the last one kept here). */
  async function restore(): Promise<CandidateProfile | null> {
    if (profile.value) return profile.value;
    try {
      const me = await candidateApi.me();
      profile.value = me;
      // The plain object: IndexedDB cannot clone Vue's reactive proxy.
      await kvSet(PROFILE_KEY, me).catch(() => undefined);
    } catch (error) {
      if (error instanceof CandidateApiError && error.code === 'offline') profile.value = (await kvGet<CandidateProfile>(PROFILE_KEY)) ?? null;
      else profile.value = null;
    }
    return profile.value;
  }

  /** Fetches the sealed package into IndexedDB unless it is already there. It stays encrypted. */
  async function cacheSealedPackage(): Promise<SealedPackageView> {
    if (!profile.value) throw new Error('sign in first');
    const cached = await kvGet<SealedPackageView>(sealedKey(profile.value.sessionId));
    if (cached) return cached;
    const sealed = await candidateApi.sealedPackage();
    await kvSet(sealedKey(profile.value.sessionId), sealed);
    return sealed;
  }

  /**
   * Opens the cached package in memory with the attempt's key: the one kept on this PC
   * (so a restart with no network still reaches the exam), else the venue's. A key the
   * venue releases is kept, bound to the attempt, until the attempt is over.
   */
  async function openExam(): Promise<ExamPackage> {
    if (examPackage.value) return examPackage.value;
    if (!profile.value) throw new Error('sign in first');
    const { attemptId: forAttempt, sessionId } = profile.value;
    const sealed = await cacheSealedPackage();
    const kept = await attemptKey(forAttempt, sessionId).catch(() => undefined);
    let plain: string | null = null;
    if (kept) plain = await openPackage(sealed, kept).catch(() => null);
    if (plain === null) {
      const key = await candidateApi.sessionKey();
      plain = await openPackage(sealed, key);
      if (!isOver(status.value)) await saveAttemptKey({ attemptId: forAttempt, sessionId, key }).catch(() => undefined);
    }
    const opened = ExamPackage.parse(JSON.parse(plain));
    examPackage.value = opened;
    return opened;
  }

  /** Deletes the attempt's kept key: it is needed no more once the attempt is over. */
  async function forgetKey(): Promise<void> {
    if (attemptId.value) await deleteAttemptKey(attemptId.value).catch(() => undefined);
  }

  function applyTimer(snapshot: TimerSnapshot): void {
    timer.value = snapshot.remainingMs === null ? null : { state: snapshot.state, remainingMs: snapshot.remainingMs, atPerf: performance.now() };
    if (attemptId.value && snapshot.remainingMs !== null) {
      const stored: StoredTimerContact = { attemptId: attemptId.value, state: snapshot.state, remainingMs: snapshot.remainingMs, atWall: Date.now() };
      void kvSet(timerKey(attemptId.value), stored).catch(() => undefined);
    }
  }

  /** Offline after a restart: the countdown from the last venue contact kept on this PC. */
  async function resumeTimerOffline(forAttempt: string): Promise<void> {
    if (timer.value) return;
    const stored = await kvGet<StoredTimerContact>(timerKey(forAttempt)).catch(() => undefined);
    if (stored?.attemptId === forAttempt) timer.value = resumedTimer(stored, Date.now(), performance.now());
  }

  /** Time left now, on the device's monotonic clock since the last contact with the venue. */
  function remainingMs(nowPerf = performance.now()): number | null {
    const contact = timer.value;
    if (!contact) return null;
    if (contact.state === 'paused') return contact.remainingMs;
    if (contact.state === 'ended') return 0;
    return Math.max(0, contact.remainingMs - (nowPerf - contact.atPerf));
  }

  /**
   * Loads the attempt: the venue's fold (answers from any PC, the timer) merged with this
   * PC's own events, the newer answer of each item winning. Offline, the local events alone.
   */
  async function loadAttempt(): Promise<AttemptView | null> {
    if (!attemptId.value) throw new Error('sign in first');
    let venue: AttemptView | null = null;
    try {
      venue = await candidateApi.attempt();
    } catch (error) {
      if (!(error instanceof CandidateApiError) || error.code !== 'offline') throw error;
    }
    const local = await eventsForAttempt(attemptId.value);
    const device = await getDevice();
    const folded = foldAttempt(local, { attemptId: attemptId.value, venueDeviceIds: [] });
    const merged: Record<string, AnswerValue> = {};
    const states: Record<string, SaveState> = {};
    for (const [itemId, held] of Object.entries(venue?.answers ?? {})) {
      merged[itemId] = held.value;
      states[itemId] = 'venue';
    }
    const pendingSeqs = new Set((await pendingEvents(5000)).map((event) => event.seq));
    for (const [itemId, held] of Object.entries(folded.answers)) {
      const fromVenue = venue?.answers[itemId];
      if (!fromVenue || held.at >= fromVenue.at) {
        merged[itemId] = held.value;
        const isMine = held.deviceId === device?.deviceId;
        states[itemId] = isMine && pendingSeqs.has(held.seq) ? 'local' : 'venue';
        if (isMine) itemSeqs.set(itemId, held.seq);
      }
    }
    answers.value = merged;
    saveStates.value = states;
    const flags: Record<string, boolean> = {};
    for (const itemId of venue?.flaggedItemIds ?? []) flags[itemId] = true;
    for (const itemId of folded.flaggedItemIds) flags[itemId] = true;
    flagged.value = flags;
    const plays: Record<string, number> = { ...(venue?.audioPlays ?? {}) };
    for (const [itemId, count] of Object.entries(folded.audioPlays)) plays[itemId] = Math.max(plays[itemId] ?? 0, count);
    audioPlays.value = plays;
    if (venue) {
      status.value = venue.status;
      applyTimer(venue.timer);
    } else {
      if (folded.status === 'finished') status.value = 'finished';
      await resumeTimerOffline(attemptId.value);
    }
    if (local.some((event) => event.type === 'attempt.finished')) status.value = 'finished';
    if (isOver(status.value)) await forgetKey();
    theOutbox();
    return venue;
  }

  /** Writes `attempt.started` once per attempt on this PC, and holds app updates back. */
  async function startAttempt(): Promise<void> {
    if (!profile.value) throw new Error('sign in first');
    setAttemptInProgress(true);
    const local = await eventsForAttempt(profile.value.attemptId);
    if (local.some((event) => event.type === 'attempt.started')) return;
    await record({ type: 'attempt.started', data: { sessionId: profile.value.sessionId, candidateId: profile.value.candidateId, seatId: profile.value.seatId, language: profile.value.language } });
  }

  async function setAnswer(itemId: string, value: AnswerValue | null): Promise<void> {
    if (status.value === 'finished' || status.value === 'removed') return;
    const before = answers.value[itemId];
    if (value === null) delete answers.value[itemId];
    else answers.value[itemId] = value;
    try {
      if (value === null) await record({ type: 'answer.cleared', data: { itemId } }, itemId);
      else await record({ type: 'answer.set', data: { itemId, value } }, itemId);
    } catch {
      // The screen must not show an answer that was not saved.
      if (before) answers.value[itemId] = before;
      else delete answers.value[itemId];
    }
  }

  async function toggleFlag(itemId: string): Promise<void> {
    const isFlagged = !flagged.value[itemId];
    flagged.value[itemId] = isFlagged;
    await record({ type: 'item.flagged', data: { itemId, isFlagged } });
  }

  async function recordPlay(itemId: string, mediaId: string): Promise<void> {
    const playNumber = (audioPlays.value[itemId] ?? 0) + 1;
    audioPlays.value[itemId] = playNumber;
    await record({ type: 'audio.played', data: { itemId, mediaId, playNumber } });
  }

  async function fileTechnicalAppeal(itemId: string, reason: 'text-missing' | 'image-missing' | 'table-missing' | 'audio-missing' | 'other', text: string): Promise<void> {
    await record({ type: 'appeal.technical', data: { appealId: newId('tap'), itemId, reason, ...(text.trim() ? { text: text.trim() } : {}) } });
  }

  async function fileContentAppeal(itemIds: string[], ground: 'key-mismatch' | 'no-correct-answer' | 'several-correct' | 'badly-written' | 'bad-translation', justification: string): Promise<void> {
    await record({ type: 'appeal.content', data: { appealId: newId('cap'), itemIds: [...itemIds], ground, justification: justification.trim() } });
  }

  /** Finishes the attempt (by the candidate, or at zero) and tries to get it to the venue now. */
  async function finish(reason: 'candidate' | 'time-up'): Promise<void> {
    if (status.value === 'finished' || status.value === 'removed' || finishReason.value !== null) return;
    finishReason.value = reason;
    try {
      await record({ type: 'attempt.finished', data: { reason } });
    } catch (failure) {
      finishReason.value = null;
      throw failure;
    }
    status.value = 'finished';
    setAttemptInProgress(false);
    await forgetKey();
    await theOutbox().drain();
    await refreshReceipts();
  }

  /** Sends what is pending now and refreshes the save marks. */
  async function flush(): Promise<void> {
    await theOutbox().drain();
    await refreshReceipts();
  }

  function applyStreamUpdate(update: { status: AttemptStatus; timer: TimerSnapshot }): void {
    // The venue's clock reached zero before this PC's: the PC still records its own finish, as time-up.
    if (update.status === 'finished' && update.timer.state === 'ended' && !isOver(status.value)) {
      applyTimer(update.timer);
      void finish('time-up').catch(() => undefined);
      return;
    }
    if (status.value !== 'finished' || update.status === 'removed') status.value = update.status;
    applyTimer(update.timer);
    if (isOver(update.status)) void forgetKey();
  }

  return {
    profile, isRulesAccepted, isPreCheckDone, examPackage, status, finishReason, answers, flagged, audioPlays, saveStates, currentIndex, timer,
    saveError, isVenueReachable, pendingCount, items, currentItem, attemptId, unansweredItemIds, flaggedItemIds,
    signIn, restore, cacheSealedPackage, openExam, loadAttempt, startAttempt, setAnswer, toggleFlag, recordPlay,
    fileTechnicalAppeal, fileContentAppeal, finish, flush, remainingMs, applyTimer, applyStreamUpdate, record, refreshReceipts,
  };
});
