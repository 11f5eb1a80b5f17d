/**
 * The electronic certificate as a PDF, in Kazakh (DOMAIN.md: issued only for passing
 * results, verifiable by IIN plus the candidate's individual code, valid 2 years). The
 * text is set in DejaVu Sans, which covers ә ғ қ ң ө ұ ү һ і, and embedded in the file.
 * A QR code carries the public verification address with the IIN and the code.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface CertificateContent {
  certificateNumber: string;
  fullName: string;
  iin: string;
  individualCode: string;
  examTitleKk: string;
  total: number;
  totalMax: number;
  issuedAt: number;
  validUntil: number;
  /** The public verification address, with the IIN and code in its query. */
  verifyUrl: string;
}

/** dd.mm.yyyy, as Kazakh documents write dates. */
export function formatDate(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
}

/** Renders a certificate; resolves to the PDF bytes. */
export async function renderCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const qr = await QRCode.toBuffer(content.verifyUrl, { type: 'png', margin: 1, width: 240, errorCorrectionLevel: 'M' });
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Сертификат ${content.certificateNumber}`, Author: 'Exam hub' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  doc.font('bold').fontSize(24).text('ЭЛЕКТРОНДЫҚ СЕРТИФИКАТ', { align: 'center' });
  doc.moveDown(0.5).font('body').fontSize(12).text(`№ ${content.certificateNumber}`, { align: 'center' });
  doc.moveDown(2).fontSize(13).text('Осы сертификат тестіленушіге берілді:', { align: 'left' });
  doc.moveDown(0.5).font('bold').fontSize(18).text(content.fullName);
  doc.moveDown(0.5).font('body').fontSize(12).text(`ЖСН: ${content.iin}`);
  doc.text(`Тестіленушінің жеке коды: ${content.individualCode}`);
  doc.moveDown(1).text(`Тестілеу: ${content.examTitleKk}`);
  doc.text(`Балл сомасы: ${content.total} / ${content.totalMax}`);
  doc.text('Шекті балл жинады.');
  doc.moveDown(1).text(`Берілген күні: ${formatDate(content.issuedAt)}`);
  doc.text(`Жарамдылық мерзімі: ${formatDate(content.validUntil)} дейін`);
  doc.moveDown(1.5).text('Сертификатты тексеру: ЖСН және тестіленушінің жеке коды бойынша, QR кодты сканерлеңіз.', { width: 300 });
  doc.image(qr, doc.page.width - 56 - 150, doc.page.height - 56 - 220, { width: 150 });
  doc.fontSize(8).text(content.verifyUrl, 56, doc.page.height - 56 - 60, { width: doc.page.width - 112, lineBreak: true });
  doc.end();
  return done;
}
