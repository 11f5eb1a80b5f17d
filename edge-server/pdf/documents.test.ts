import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import type { RoomView } from '../proctor/room-state';
import { actPdf, roomReportPdf, seatingListPdf } from './documents';

const KAZAKH_LETTERS = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];

const base = {
  candidateId: 'c1', attemptId: 's.c1', language: 'kk' as const, accommodations: [], rosterSeatId: 'A-01', attemptStatus: 'removed' as const,
  isCheckedIn: true, isIdentityVerified: true, hasRosterPhoto: false, hasIdentityPhoto: true, remainingMs: null, answeredCount: 3, itemCount: 10, lastContactAt: null, openViolationCount: 0,
};
const room: RoomView = {
  sessionId: 'ses-1', roomId: 'room-1', roomName: 'Компьютерлік сынып 1', venueSeq: 10, now: Date.UTC(2026, 10, 25, 5, 0), isReleased: true,
  seats: [{ seatId: 'A-01', label: 'A1', row: 0, col: 0, status: 'removed', candidateId: 'c1' }, { seatId: 'A-02', label: 'A2', row: 0, col: 1, status: 'finished', candidateId: 'c2' }],
  candidates: [
    // Every Kazakh letter appears in these names.
    { ...base, iin: '900412300011', fullName: 'Әбілқасым Ғалымжан Ңөұүһі', seatId: 'A-01', status: 'removed' },
    { ...base, candidateId: 'c2', attemptId: 's.c2', iin: '851130400021', fullName: 'Иванова Анна', seatId: 'A-02', status: 'finished', attemptStatus: 'finished' },
  ],
  violations: [{ attemptId: 's.c1', candidateId: 'c1', seatId: 'A-01', deviceId: 'pc', violationId: 'v1', kind: 'no-face', startedAt: Date.UTC(2026, 10, 25, 4, 0), durationMs: 12_000, isOpen: false, hasEvidence: true, review: 'confirmed' }],
  appeals: [],
  incidents: [{ incidentId: 'i1', category: 'technical', text: 'Жарық сөнді, 5 минут', at: Date.UTC(2026, 10, 25, 4, 10) }],
  acts: [{ actId: 'act-1', actType: 'prohibited-item', text: 'Қалтасынан телефон табылды', cosigners: ['Бақылаушы Сәуле Нұрқызы'], at: Date.UTC(2026, 10, 25, 4, 20), candidateId: 'c1', fullName: 'Әбілқасым Ғалымжан Ңөұүһі', iin: '900412300011', seatId: 'A-01' }],
  closure: null,
  refused: [],
  hubSync: { isConfigured: true, pendingEvents: 0, lastSuccessAt: null, lastError: null },
};

async function textOf(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  let text = '';
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join(' ') + '\n';
  }
  await document.destroy();
  return text;
}

describe('room PDFs', () => {
  it('prints the seating list with every Kazakh letter, each candidate and a signature column', async () => {
    const pdf = await seatingListPdf(room);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await textOf(pdf);
    for (const letter of KAZAKH_LETTERS) expect(text.toLocaleLowerCase('kk')).toContain(letter);
    expect(text).toContain('Әбілқасым Ғалымжан Ңөұүһі');
    expect(text).toContain('851130400021');
    expect(text).toContain('Қолы / Подпись');
    expect(text).toContain('Отырғызу парағы');
  });

  it('prints an act with its type, text and a line for each co-signer', async () => {
    const text = await textOf(await actPdf(room, room.acts[0]!, 'Айжан Сейітова'));
    expect(text).toContain('Тыйым салынған зат');
    expect(text).toContain('Қалтасынан телефон табылды');
    expect(text).toContain('Бақылаушы Сәуле Нұрқызы');
    expect(text).toContain('Айжан Сейітова');
  });

  it('prints the room\'s closure in the report once the proctor has closed it', async () => {
    const closed = { ...room, closure: { closedAt: Date.UTC(2026, 10, 25, 7, 0), deviceId: 'tab-1', unfinishedAttemptIds: ['s.c3', 's.c4'], note: 'Екеуі келмеді' } };
    const text = await textOf(await roomReportPdf(closed, 'Айжан Сейітова'));
    expect(text).toContain('Закрытие аудитории');
    expect(text).toContain('Не завершили: 2');
    expect(text).toContain('Екеуі келмеді');
  });

  it('prints the end-of-room report with statuses, violations, incidents and acts', async () => {
    const text = await textOf(await roomReportPdf(room, 'Айжан Сейітова'));
    expect(text).toContain('Аудиториядан шығарылды');
    expect(text).toContain('no-face');
    expect(text).toContain('Жарық сөнді');
    expect(text).toContain('act-1');
  });
});
