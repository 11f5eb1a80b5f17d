import { beforeAll, describe, expect, it } from 'vitest';
import { AnswerKey, ExamPackage, itemsOf, type Item } from '../../sync/package';
import { Proctor, Room, Session } from '../../sync/roster';
import { validateIin } from '../../sync/iin';
import { buildDemo, buildDemoCredentials, formatCredentials, CITIZENSHIP_EXAM_ID, CITIZENSHIP_SESSION_ID, ICERT_EXAM_ID, ICERT_SESSION_ID, verifySecret, type Demo } from './index';

const KAZAKH_LETTERS = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/;
const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);

/** The IIN check digit, written out here from DOMAIN.md rather than imported, to check the generator independently. */
function isIinCheckDigitRight(iin: string): boolean {
  const digits = [...iin].map(Number);
  const sum = (weights: number[]) => weights.reduce((acc, w, i) => acc + w * (digits[i] as number), 0) % 11;
  let check = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) check = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return check !== 10 && check === digits[11];
}

function choiceOptions(item: Item) {
  if (item.type === 'open') throw new Error(`${item.itemId} is not a choice item`);
  return item.options;
}

let demo: Demo;
beforeAll(() => {
  demo = buildDemo({ now: NOW });
});

const citizenship = () => demo.exams.find((e) => e.examPackage.examId === CITIZENSHIP_EXAM_ID)!;
const icert = () => demo.exams.find((e) => e.examPackage.examId === ICERT_EXAM_ID)!;
const session = (id: string) => demo.sessions.find((s) => s.sessionId === id)!;

describe('demo exams', () => {
  it('parse with the shared schemas, and every item has exactly one key that names one of its options', () => {
    expect(demo.exams).toHaveLength(2);
    for (const { examPackage, answerKey } of demo.exams) {
      expect(ExamPackage.parse(examPackage)).toEqual(examPackage);
      expect(AnswerKey.parse(answerKey)).toEqual(answerKey);
      const items = itemsOf(examPackage);
      expect(Object.keys(answerKey.items).sort()).toEqual(items.map((i) => i.itemId).sort());
      for (const item of items) {
        const options = choiceOptions(item);
        expect(item.type).toBe('single');
        expect(item.points).toBe(1);
        expect(options).toHaveLength(4);
        expect(new Set(options.map((o) => o.text.kk)).size).toBe(4);
        expect(new Set(options.map((o) => o.text.ru)).size).toBe(4);
        const key = answerKey.items[item.itemId]!;
        expect('correctOptionIds' in key && key.correctOptionIds).toHaveLength(1);
        if ('correctOptionIds' in key) expect(options.map((o) => o.optionId)).toContain(key.correctOptionIds[0]);
      }
    }
  });

  it('build the citizenship-style exam: 30 / 40 / 30 items, pass 15 / 20 / 15 and 50, 130 minutes, +30 accommodation, analysis card', () => {
    const pkg = citizenship().examPackage;
    expect(pkg.blocks.map((b) => [b.blockId, b.items.length, b.passMark])).toEqual([['kazakh-language', 30, 15], ['constitution', 40, 20], ['history', 30, 15]]);
    expect(pkg.totalPassMark).toEqual({ points: 50 });
    expect(pkg.durationMinutes).toBe(130);
    expect(pkg.accommodations).toEqual([expect.objectContaining({ code: 'extra-time-30', extraMinutes: 30 })]);
    expect(pkg.resultPolicy).toEqual({ showAnalysisCard: true, contentAppealWindowMinutes: 30 });
    expect(pkg.proctoring.isCameraRequired).toBe(true);
    expect(pkg.proctoring.signals['no-face']).toEqual({ isEnabled: true, thresholdMs: 5000 });
    expect(pkg.proctoring.signals['head-turned']).toEqual({ isEnabled: true, thresholdMs: 5000 });
    expect(pkg.proctoring.signals['multiple-faces']).toEqual({ isEnabled: true, thresholdMs: 1000 });
    expect(pkg.proctoring.signals['camera-dark']).toEqual({ isEnabled: true, thresholdMs: 3000 });
    expect(pkg.proctoring.signals['focus-lost']).toEqual({ isEnabled: true, thresholdMs: 0 });
    expect(Object.keys(pkg.proctoring.weights).length).toBeGreaterThanOrEqual(10);
  });

  it('gives the 15 listening items their own audio clip, played at most twice, and the 15 reading items none', () => {
    const pkg = citizenship().examPackage;
    const kazakh = pkg.blocks[0]!.items;
    const listening = kazakh.filter((i) => i.mediaId);
    expect(listening).toHaveLength(15);
    expect(kazakh.slice(0, 15)).toEqual(listening);
    expect(listening.every((i) => i.maxPlays === 2)).toBe(true);
    expect(new Set(listening.map((i) => i.mediaId)).size).toBe(15);
    expect(itemsOf(pkg).filter((i) => i.mediaId)).toHaveLength(15);
    const mediaIds = pkg.media.map((m) => m.mediaId);
    for (const item of listening) expect(mediaIds).toContain(item.mediaId);
    expect(new Set(pkg.media.map((m) => m.base64)).size).toBe(pkg.media.length);
  });

  it('makes each clip a playable 8 kHz 8-bit mono WAV of about 1.5 s that is not silent', () => {
    for (const media of citizenship().examPackage.media) {
      expect(media.mime).toBe('audio/wav');
      const wav = Buffer.from(media.base64, 'base64');
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
      expect(wav.readUInt16LE(20)).toBe(1); // PCM
      expect(wav.readUInt16LE(22)).toBe(1); // mono
      expect(wav.readUInt32LE(24)).toBe(8000);
      expect(wav.readUInt16LE(34)).toBe(8);
      const dataBytes = wav.readUInt32LE(40);
      expect(dataBytes).toBe(wav.length - 44);
      expect(dataBytes / 8000).toBeCloseTo(1.5, 1);
      const pcm = wav.subarray(44);
      expect(Math.max(...pcm) - Math.min(...pcm)).toBeGreaterThan(150);
      expect(pcm[0]).toBe(128); // starts in silence
    }
  });

  it('keeps each package well under 1 MB', () => {
    for (const { examPackage } of demo.exams) expect(JSON.stringify(examPackage).length).toBeLessThan(600_000);
  });

  it('writes Kazakh with Kazakh letters: titles, and every kk stem; Russian stems outside «quotes» have none', () => {
    for (const { examPackage } of demo.exams) {
      const titles = [examPackage.title, ...examPackage.blocks.map((b) => b.title), ...examPackage.accommodations.map((a) => a.title)];
      for (const title of titles) expect(title.kk, title.kk).toMatch(KAZAKH_LETTERS);
      for (const item of itemsOf(examPackage)) {
        expect(item.stem.kk, item.itemId).toMatch(KAZAKH_LETTERS);
        expect(item.stem.kk, item.itemId).not.toBe(item.stem.ru);
        expect(item.stem.ru.replace(/«[^»]*»/g, ''), item.itemId).not.toMatch(KAZAKH_LETTERS);
      }
    }
    for (const item of citizenship().examPackage.blocks[0]!.items) {
      for (const option of choiceOptions(item)) expect(option.text.kk, item.itemId).toMatch(/[а-яәғқңөұүһі]/i);
    }
  });

  it('gives all 100 citizenship items and all 60 ICert items different stems in both languages', () => {
    for (const { examPackage } of demo.exams) {
      const items = itemsOf(examPackage);
      expect(new Set(items.map((i) => i.stem.kk)).size).toBe(items.length);
      expect(new Set(items.map((i) => i.stem.ru)).size).toBe(items.length);
    }
  });

  it('keys the real facts: the Constitution of 1995, the Khanate of 1465, independence in 1991', () => {
    const { examPackage, answerKey } = citizenship();
    const keyedText = (stemPart: string) => {
      const item = itemsOf(examPackage).find((i) => i.stem.ru.includes(stemPart))!;
      const key = answerKey.items[item.itemId]!;
      return choiceOptions(item).find((o) => 'correctOptionIds' in key && o.optionId === key.correctOptionIds[0])!.text;
    };
    expect(keyedText('принята действующая Конституция').ru).toBe('1995');
    expect(keyedText('образовано Казахское ханство').ru).toBe('1465');
    expect(keyedText('провозгласила независимость').ru).toBe('1991');
    expect(keyedText('столицей Республики').kk).toBe('Астана');
    expect(keyedText('является государственным').kk).toBe('қазақ тілі');
  });

  it('builds the ICert-style exam: 60 items in one block, 100 minutes, pass at 60 %, no analysis card', () => {
    const pkg = icert().examPackage;
    expect(pkg.blocks).toHaveLength(1);
    expect(itemsOf(pkg)).toHaveLength(60);
    expect(pkg.durationMinutes).toBe(100);
    expect(pkg.totalPassMark).toEqual({ percent: 60 });
    expect(pkg.resultPolicy.showAnalysisCard).toBe(false);
  });

  it('keys the ICert percentage and discount items with the right sums', () => {
    const { examPackage, answerKey } = icert();
    const number = (text: string) => Number(text.replace(/\D/g, ''));
    let checked = 0;
    for (const item of itemsOf(examPackage)) {
      const key = answerKey.items[item.itemId]!;
      const keyed = choiceOptions(item).find((o) => 'correctOptionIds' in key && o.optionId === key.correctOptionIds[0])!.text.ru;
      const share = /^Сколько тенге составляют (\d+) % от ([\d ]+) тенге\?$/.exec(item.stem.ru);
      const discount = /^Товар стоит ([\d ]+) тенге\. Сколько тенге он будет стоить со скидкой (\d+) %\?$/.exec(item.stem.ru);
      if (share) expect(number(keyed)).toBe((number(share[2]!) * Number(share[1])) / 100);
      if (discount) expect(number(keyed)).toBe((number(discount[1]!) * (100 - Number(discount[2]))) / 100);
      if (share || discount) checked++;
    }
    expect(checked).toBe(20);
  });

  it('does not put the right answer always in the same place', () => {
    for (const { answerKey } of demo.exams) {
      const positions = new Set(Object.values(answerKey.items).map((k) => ('correctOptionIds' in k ? k.correctOptionIds[0] : '')));
      expect(positions).toEqual(new Set(['a', 'b', 'c', 'd']));
    }
  });
});

describe('demo venue, sessions and people', () => {
  it('has two rooms of 15 seats in 3 rows of 5, all seat ids distinct', () => {
    expect(demo.venue).toMatchObject({ venueId: 'demo', name: 'Demo venue (Astana)' });
    expect(demo.venue.rooms.map((r) => r.roomId)).toEqual(['room-1', 'room-2']);
    for (const room of demo.venue.rooms) {
      expect(Room.parse(room)).toEqual(room);
      expect(room.seats).toHaveLength(15);
      expect(new Set(room.seats.map((s) => s.row))).toEqual(new Set([0, 1, 2]));
      expect(new Set(room.seats.map((s) => s.col))).toEqual(new Set([0, 1, 2, 3, 4]));
    }
    const seatIds = demo.venue.rooms.flatMap((r) => r.seats.map((s) => s.seatId));
    expect(new Set(seatIds).size).toBe(30);
  });

  it('schedules both sessions at the venue, relative to now, the ICert one after the citizenship one ends', () => {
    for (const s of demo.sessions) expect(Session.parse(s)).toEqual(s);
    const nct = session(CITIZENSHIP_SESSION_ID);
    const ic = session(ICERT_SESSION_ID);
    expect([nct.venueId, nct.examId, ic.venueId, ic.examId]).toEqual(['demo', CITIZENSHIP_EXAM_ID, 'demo', ICERT_EXAM_ID]);
    expect(nct.startsAt).toBe(NOW + 10 * 60_000);
    expect(ic.startsAt).toBeGreaterThanOrEqual(nct.startsAt + (130 + 30) * 60_000);
  });

  it('seats 30 citizenship candidates, 15 a room, and 10 ICert candidates in room-1, each on a real seat of their room', () => {
    const nct = session(CITIZENSHIP_SESSION_ID);
    const ic = session(ICERT_SESSION_ID);
    expect(nct.candidates).toHaveLength(30);
    expect(nct.candidates.filter((c) => c.roomId === 'room-1')).toHaveLength(15);
    expect(nct.candidates.filter((c) => c.roomId === 'room-2')).toHaveLength(15);
    expect(ic.candidates).toHaveLength(10);
    for (const s of [nct, ic]) {
      expect(new Set(s.candidates.map((c) => c.seatId)).size).toBe(s.candidates.length);
      for (const c of s.candidates) expect(s.rooms.find((r) => r.roomId === c.roomId)?.seats.map((x) => x.seatId)).toContain(c.seatId);
    }
  });

  it('gives 4 citizenship candidates extra-time-30, mixes kk and ru, and writes names with Kazakh letters', () => {
    const candidates = session(CITIZENSHIP_SESSION_ID).candidates;
    expect(candidates.filter((c) => c.accommodations.includes('extra-time-30'))).toHaveLength(4);
    const kk = candidates.filter((c) => c.language === 'kk').length;
    expect(kk).toBeGreaterThan(5);
    expect(30 - kk).toBeGreaterThan(5);
    const kazakhNames = candidates.filter((c) => KAZAKH_LETTERS.test(`${c.lastName} ${c.firstName} ${c.middleName ?? ''}`));
    expect(kazakhNames.length).toBeGreaterThanOrEqual(20);
  });

  it('gives every candidate a valid, unique IIN with varied birth dates and both sexes', () => {
    const iins = demo.sessions.flatMap((s) => s.candidates.map((c) => c.iin));
    expect(iins).toHaveLength(40);
    expect(new Set(iins).size).toBe(40);
    const decoded = iins.map((iin) => {
      expect(isIinCheckDigitRight(iin), iin).toBe(true);
      const result = validateIin(iin);
      if (!result.isValid) throw new Error(`${iin}: ${result.reason}`);
      return result;
    });
    expect(new Set(decoded.map((d) => d.birthDate)).size).toBeGreaterThanOrEqual(35);
    expect(new Set(decoded.map((d) => d.sex))).toEqual(new Set(['male', 'female']));
  });

  it('prints credentials that match the rosters, and access codes verify against their own hashes only', () => {
    const rosters = new Map(demo.sessions.flatMap((s) => s.candidates.map((c) => [`${s.sessionId}/${c.candidateId}`, c] as const)));
    expect(demo.credentials.candidates).toHaveLength(40);
    demo.credentials.candidates.forEach((credential, index) => {
      const candidate = rosters.get(`${credential.sessionId}/${credential.candidateId}`)!;
      expect(candidate).toBeDefined();
      expect([credential.iin, credential.roomId, credential.seatId, credential.language]).toEqual([candidate.iin, candidate.roomId, candidate.seatId, candidate.language]);
      expect(credential.fullName).toContain(candidate.lastName);
      expect(credential.accessCode).toMatch(/^\d{6}$/);
      expect(candidate.accessCodeHash).toMatch(/^scrypt\$16384\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
      // scrypt costs ~50 ms a check: every fourth code, across both sessions, is enough to catch a mix-up.
      if (index % 4 === 0) expect(verifySecret(credential.accessCode, candidate.accessCodeHash), credential.candidateId).toBe(true);
    });
    expect(new Set(demo.credentials.candidates.map((c) => c.accessCode)).size).toBe(40);
    const [first, second] = demo.credentials.candidates;
    const firstHash = rosters.get(`${first!.sessionId}/${first!.candidateId}`)!.accessCodeHash;
    expect(verifySecret(second!.accessCode, firstHash)).toBe(false);
  });

  it('has proctor1 on room-1 and proctor2 on room-2 with working PINs, and four staff roles with working passwords', () => {
    expect(demo.proctors.map((p) => [p.username, p.roomIds])).toEqual([['proctor1', ['room-1']], ['proctor2', ['room-2']]]);
    for (const proctor of demo.proctors) {
      expect(Proctor.parse(proctor)).toEqual(proctor);
      const pin = demo.credentials.proctors.find((p) => p.username === proctor.username)!.pin;
      expect(verifySecret(pin, proctor.pinHash)).toBe(true);
    }
    expect(demo.credentials.proctors.map((p) => p.pin)).toEqual(['1111', '2222']);
    expect(session(ICERT_SESSION_ID).proctors.map((p) => p.username)).toEqual(['proctor1']);
    expect(demo.staff.map((s) => [s.username, s.role])).toEqual([['admin', 'admin'], ['reviewer', 'reviewer'], ['appeals', 'appeals'], ['auditor', 'auditor']]);
    for (const account of demo.staff) {
      const password = demo.credentials.staff.find((s) => s.username === account.username)!.password;
      expect(verifySecret(password, account.passwordHash)).toBe(true);
      expect(verifySecret(`${password}x`, account.passwordHash)).toBe(false);
    }
  });

  it('is deterministic: two builds at the same time are equal, and another time moves only the start times', () => {
    expect(buildDemo({ now: NOW })).toEqual(demo);
    const later = buildDemo({ now: NOW + 86_400_000 });
    expect(later.sessions.map((s) => s.startsAt - 86_400_000)).toEqual(demo.sessions.map((s) => s.startsAt));
    expect({ ...later, sessions: later.sessions.map((s) => ({ ...s, startsAt: 0 })) }).toEqual({ ...demo, sessions: demo.sessions.map((s) => ({ ...s, startsAt: 0 })) });
  });

  it('formats a printable sheet with every candidate\'s seat, IIN and code, the proctors\' PINs and the staff passwords', () => {
    const sheet = formatCredentials(demo.credentials);
    for (const c of demo.credentials.candidates) expect(sheet).toMatch(new RegExp(`${c.seatLabel} +${c.iin} +${c.accessCode} +${c.language} `));
    expect(sheet).toMatch(/proctor1 +1111 +room-1/);
    expect(sheet).toMatch(/proctor2 +2222 +room-2/);
    for (const s of demo.credentials.staff) expect(sheet).toContain(s.password);
    expect(sheet.match(/^Candidates: session /gm)).toHaveLength(3);
  });

  it('gives the same credentials without hashing through buildDemoCredentials', () => {
    expect(buildDemoCredentials()).toEqual(demo.credentials);
  });
});
