/**
 * Words a discrepancy (its kind code and figures from the hub) in the staff member's
 * language: the explanation, the evidence line by line, what clears it, and a label for
 * each clearing action. Pure: the caller passes `t` and a time formatter, so the same code
 * serves the page and the catalogue test.
 */
import type { CompletenessCause, Discrepancy, PublicationBlocker } from './api';

export type Translate = (key: string, params?: Record<string, string | number>) => string;
export type FormatTime = (ms: number) => string;

export interface DiscrepancyText {
  title: string;
  explanation: string;
  evidence: string[];
  /** What clears it, in a sentence. */
  clear: string;
  actions: Array<{ value: string; label: string }>;
}

/** The label of a clearing action (`keep:<attemptId>` names the attempt kept). */
export function actionLabel(action: string, t: Translate): string {
  if (action.startsWith('keep:')) return t('ce.action.keep', { attempt: action.slice('keep:'.length) });
  const key = `ce.action.${action}`;
  const text = t(key);
  return text === key ? action : text;
}

/** An attempt status from the fold (finished, in-progress…), in words. */
export function statusLabel(status: string, t: Translate): string {
  const key = `ce.status.${status}`;
  const text = t(key);
  return text === key ? status : text;
}

function explain(d: Discrepancy, t: Translate, when: FormatTime): { explanation: string; evidence: string[] } {
  switch (d.kind) {
    case 'score-mismatch': {
      const p = d.params;
      return {
        explanation: t('ce.dx.score-mismatch.explanation', { attempt: p.attemptId, venueTotal: p.venueTotal, hubTotal: p.hubTotal }),
        evidence: [t('ce.dx.score-mismatch.evidence', { attempt: p.attemptId, candidate: p.candidateId ?? '—', venueTotal: p.venueTotal, hubTotal: p.hubTotal })],
      };
    }
    case 'no-show': {
      const p = d.params;
      return {
        explanation: t('ce.dx.no-show.explanation', { name: p.candidate.fullName, iin: p.candidate.iin }),
        evidence: [t('ce.dx.no-show.evidence', { candidate: p.candidate.candidateId, room: p.roomId, seat: p.seatId })],
      };
    }
    case 'checked-in-no-attempt': {
      const p = d.params;
      return {
        explanation: t('ce.dx.checked-in-no-attempt.explanation', { name: p.candidate.fullName, iin: p.candidate.iin, time: when(p.checkedInAt) }),
        evidence: [t('ce.dx.checked-in-no-attempt.evidence', { candidate: p.candidate.candidateId, device: p.deviceId, seq: p.seq, time: when(p.checkedInAt) })],
      };
    }
    case 'duplicate-attempts': {
      const p = d.params;
      return {
        explanation: t('ce.dx.duplicate-attempts.explanation', { name: p.candidate.fullName, iin: p.candidate.iin, count: p.attempts.length }),
        evidence: p.attempts.map((a) => t('ce.dx.duplicate-attempts.evidence', {
          attempt: a.attemptId, status: statusLabel(a.status, t), total: a.total, time: a.startedAt === null ? t('ce.dx.unknown-time') : when(a.startedAt),
        })),
      };
    }
    case 'late-events': {
      const p = d.params;
      return {
        explanation: t('ce.dx.late-events.explanation', { attempt: p.attemptId, deadline: p.deadline === null ? t('ce.dx.unknown-time') : when(p.deadline), count: p.lateEventCount, answers: p.lateAnswers.length }),
        evidence: p.lateAnswers.map((a) => t('ce.dx.late-events.evidence', { item: a.itemId, time: when(a.at), device: a.deviceId, seq: a.seq })),
      };
    }
    case 'chain-conflict': {
      const p = d.params;
      if (p.cause === 'two-claimants') {
        return {
          explanation: t('ce.dx.chain-conflict.two-claimants', { attempt: p.attemptId, candidates: p.candidateIds.join(', ') }),
          evidence: [t('ce.dx.chain-conflict.evidence-claimants', { attempt: p.attemptId, candidates: p.candidateIds.join(', ') })],
        };
      }
      if (p.cause === 'chain-broken') {
        return {
          explanation: t('ce.dx.chain-conflict.chain-broken', { attempt: p.attemptId, device: p.deviceId, seq: p.verifiedUpTo }),
          evidence: [t('ce.dx.chain-conflict.evidence-device', { device: p.deviceId, seq: p.verifiedUpTo })],
        };
      }
      if (p.cause === 'venue-conflict') {
        return {
          explanation: t('ce.dx.chain-conflict.venue-conflict', { attempt: p.attemptId, device: p.deviceId }),
          evidence: [t('ce.dx.chain-conflict.evidence-device', { device: p.deviceId, seq: '—' })],
        };
      }
      const device = p.deviceId ?? '—';
      return {
        explanation: t(`ce.dx.chain-conflict.${p.cause}`, { device, time: when(p.raisedAt) }),
        evidence: [t('ce.dx.chain-conflict.evidence-alarm', { alarm: p.alarmId, device, seq: p.seq ?? '—', time: when(p.raisedAt) })],
      };
    }
    case 'clock-anomaly': {
      const p = d.params;
      const explanation = p.cause === 'ahead'
        ? t('ce.dx.clock-anomaly.ahead', { device: p.deviceId, seq: p.seq, time: when(p.at), received: when(p.receivedAt) })
        : t('ce.dx.clock-anomaly.backwards', { device: p.deviceId, seq: p.seq, time: when(p.at), previousSeq: p.previousSeq, previous: when(p.previousAt) });
      return { explanation, evidence: [t('ce.dx.clock-anomaly.evidence', { device: p.deviceId, epoch: p.epoch, seq: p.seq, time: when(p.at) })] };
    }
    case 'never-closed': {
      const p = d.params;
      return {
        explanation: t('ce.dx.never-closed.explanation', { attempt: p.attemptId, time: when(p.latestEnd), status: statusLabel(p.status, t) }),
        evidence: p.devices.map((device) => t('ce.dx.never-closed.evidence', { device: device.deviceId, seq: device.lastSeq })),
      };
    }
  }
}

/**
 * The whole discrepancy in the current language. An entry from an older hub without
 * `params` falls back to the hub's English explanation rather than showing nothing.
 */
export function discrepancyText(d: Discrepancy, t: Translate, when: FormatTime): DiscrepancyText {
  const worded = (d as { params?: unknown }).params ? explain(d, t, when) : { explanation: d.explanation, evidence: [] };
  return {
    title: t(`ce.kind.${d.kind}`),
    ...worded,
    clear: t(`ce.dx.${d.kind}.clear`),
    actions: d.actions.map((value) => ({ value, label: actionLabel(value, t) })),
  };
}

/** Why an attempt is not complete, in words. */
export function completenessCauseText(cause: CompletenessCause, t: Translate): string {
  switch (cause.code) {
    case 'two-claimants': return t('ce.cause.two-claimants', { candidates: cause.candidateIds.join(', ') });
    case 'chain-broken': return t('ce.cause.chain-broken', { device: cause.deviceId, seq: cause.verifiedUpTo });
    case 'venue-conflict': return t('ce.cause.venue-conflict', { device: cause.deviceId });
    case 'not-closed': return t('ce.cause.not-closed', { devices: cause.devices.map((d) => `${d.deviceId} ${d.lastSeq}`).join(', ') });
    case 'chain-short': return t('ce.cause.chain-short', { devices: cause.devices.map((d) => `${d.deviceId} ${d.verifiedUpTo}/${d.lastSeq}`).join(', ') });
  }
}

/** Why results cannot be published yet, in words; a reason the screen does not know shows the hub's English. */
export function blockerText(blocker: PublicationBlocker | string, t: Translate, when: FormatTime): string {
  if (typeof blocker === 'string') return blocker;
  switch (blocker.code) {
    case 'open-discrepancy': {
      const entry = { ...blocker, subject: '', explanation: blocker.text, evidence: {}, actions: [], resolution: null } as Discrepancy;
      const text = discrepancyText(entry, t, when);
      return `${text.title}: ${text.explanation}`;
    }
    case 'attempt-not-complete':
      return t('ce.blocker.attempt', { attempt: blocker.attemptId, completeness: t(`ce.completeness.${blocker.completeness}`), cause: blocker.cause ? completenessCauseText(blocker.cause, t) : '—' });
    case 'pending-marking': return t('ce.blocker.marking', { attempt: blocker.attemptId });
    case 'appeal-undecided': return t('ce.blocker.appeal', { item: blocker.itemId });
    default: return (blocker as { text?: string }).text ?? '';
  }
}
