/**
 * The room's paper: the seating list (with a column for each candidate's signature),
 * every act, and the end-of-room report, as PDFs. Headings are in Kazakh and Russian;
 * the text is set in DejaVu Sans, which has every Kazakh letter (ә ғ қ ң ө ұ ү һ і), so
 * names print as written.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { ActView, RoomView, SeatStatus } from '../proctor/room-state';

const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = join(fontDir, 'DejaVuSans.ttf');
const BOLD = join(fontDir, 'DejaVuSans-Bold.ttf');
const MARGIN = 50;

const ACT_TYPES: Record<ActView['actType'], string> = {
  'prohibited-item': 'Тыйым салынған зат / Запрещённый предмет',
  impostor: 'Бөгде тұлға / Подставное лицо',
  'rule-violation': 'Ережені бұзу / Нарушение правил',
};

const STATUSES: Record<SeatStatus, string> = {
  empty: 'Бос / Свободно',
  'checked-in': 'Кіргізілді / Допущен',
  'identity-to-verify': 'Жеке басын тексеру / Проверить личность',
  ready: 'Дайын / Готов',
  'in-progress': 'Тестілеу жүріп жатыр / Идёт тестирование',
  paused: 'Үзіліс / Пауза',
  'not-heard-from': 'Байланыс жоқ / Нет связи',
  finished: 'Аяқталды / Завершено',
  removed: 'Аудиториядан шығарылды / Удалён из аудитории',
};

/** Date and time in Almaty's zone, the way a form is filled in by hand. */
function when(at: number): string {
  return new Date(at).toLocaleString('ru-RU', { timeZone: 'Asia/Almaty', dateStyle: 'short', timeStyle: 'short' });
}

function render(title: string, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title }, compress: true });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('regular', REGULAR);
    doc.registerFont('bold', BOLD);
    doc.font('bold').fontSize(16).text(title, { align: 'center' });
    doc.moveDown(0.5);
    doc.font('regular').fontSize(10);
    draw(doc);
    doc.end();
  });
}

function header(doc: PDFKit.PDFDocument, room: Pick<RoomView, 'roomName' | 'sessionId'>, extra: [string, string][] = []): void {
  for (const [label, value] of [['Сессия / Сессия', room.sessionId], ['Аудитория / Аудитория', room.roomName], ...extra] as [string, string][]) {
    doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);
  }
  doc.moveDown();
}

/** Draws one table row; returns the row's height. Starts a new page when the row would not fit. */
function row(doc: PDFKit.PDFDocument, widths: number[], cells: string[], options: { isHead?: boolean; minHeight?: number } = {}): void {
  doc.font(options.isHead ? 'bold' : 'regular').fontSize(9);
  const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - 6 }));
  const height = Math.max(options.minHeight ?? 0, ...heights) + 8;
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
  const top = doc.y;
  let x = MARGIN;
  cells.forEach((cell, i) => {
    doc.rect(x, top, widths[i]!, height).stroke();
    doc.text(cell, x + 3, top + 4, { width: widths[i]! - 6 });
    x += widths[i]!;
  });
  doc.x = MARGIN;
  doc.y = top + height;
}

/** The seating list: seat, candidate, IIN and an empty signature cell for each rostered candidate. */
export function seatingListPdf(room: RoomView): Promise<Buffer> {
  return render('Отырғызу парағы / Посадочный лист', (doc) => {
    header(doc, room, [['Күні / Дата', when(room.now)]]);
    const widths = [30, 50, 185, 95, 135];
    row(doc, widths, ['№', 'Орын / Место', 'Тегі, аты / ФИО', 'ЖСН / ИИН', 'Қолы / Подпись'], { isHead: true });
    const labels = new Map(room.seats.map((seat) => [seat.seatId, seat.label]));
    const candidates = [...room.candidates].sort((a, b) => (labels.get(a.seatId) ?? a.seatId).localeCompare(labels.get(b.seatId) ?? b.seatId, 'ru', { numeric: true }));
    candidates.forEach((candidate, index) => row(doc, widths, [String(index + 1), labels.get(candidate.seatId) ?? candidate.seatId, candidate.fullName, candidate.iin, ''], { minHeight: 18 }));
  });
}

/** One act: its type, the candidate, what happened, and a signature line for the proctor and each co-signer. */
export function actPdf(room: RoomView, act: ActView, proctorName: string): Promise<Buffer> {
  return render(`Акт № ${act.actId}`, (doc) => {
    const seat = room.seats.find((s) => s.seatId === act.seatId)?.label ?? act.seatId;
    header(doc, room, [['Уақыты / Время', when(act.at)], ['Түрі / Вид', ACT_TYPES[act.actType]], ['Тестіленуші / Тестируемый', `${act.fullName}, ЖСН / ИИН ${act.iin}, орын / место ${seat}`]]);
    doc.font('bold').text('Не болды / Обстоятельства');
    doc.font('regular').text(act.text);
    doc.moveDown();
    doc.text('Тестіленуші аудиториядан шығарылды, нәтижесі жойылады. / Тестируемый удалён из аудитории, результат аннулируется.');
    doc.moveDown(2);
    for (const name of [`${proctorName} (тестілеу әкімшісі / администратор тестирования)`, ...act.cosigners]) {
      doc.text(`${name}  ______________________`);
      doc.moveDown();
    }
  });
}

/** The end-of-room report: each seat's final status, then violations, appeals, incidents and acts. */
export function roomReportPdf(room: RoomView, proctorName: string): Promise<Buffer> {
  return render('Аудитория бойынша есеп / Отчёт по аудитории', (doc) => {
    header(doc, room, [['Тестілеу әкімшісі / Администратор тестирования', proctorName], ['Жасалды / Составлен', when(room.now)]]);
    const labels = new Map(room.seats.map((seat) => [seat.seatId, seat.label]));
    const widths = [50, 200, 95, 150];
    row(doc, widths, ['Орын / Место', 'Тегі, аты / ФИО', 'ЖСН / ИИН', 'Мәртебе / Статус'], { isHead: true });
    for (const c of room.candidates) row(doc, widths, [labels.get(c.seatId) ?? c.seatId, c.fullName, c.iin, STATUSES[c.status]]);
    const section = (title: string, lines: string[]) => {
      doc.moveDown().font('bold').fontSize(11).text(title).font('regular').fontSize(9);
      for (const line of lines.length > 0 ? lines : ['—']) doc.text(line);
    };
    section('Бұзушылықтар / Нарушения', room.violations.map((v) => `${when(v.startedAt)} · ${labels.get(v.seatId) ?? v.seatId} · ${v.kind} · ${Math.round((v.durationMs ?? 0) / 1000)} с · ${v.review ?? '—'}`));
    section('Техникалық апелляциялар / Технические апелляции', room.appeals.map((a) => `${when(a.at)} · ${labels.get(a.seatId) ?? a.seatId} · ${a.itemIds.join(', ')} · ${a.ground}`));
    section('Оқиғалар / Инциденты', room.incidents.map((i) => `${when(i.at)} · ${i.category} · ${i.text}`));
    section('Актілер / Акты', room.acts.map((a) => `${when(a.at)} · ${a.actId} · ${a.fullName} · ${ACT_TYPES[a.actType]}`));
    section('Аудиторияның жабылуы / Закрытие аудитории', room.closure
      ? [[when(room.closure.closedAt), `Аяқтамағандар / Не завершили: ${room.closure.unfinishedAttemptIds.length}`, room.closure.note].filter(Boolean).join(' · ')]
      : []);
  });
}
