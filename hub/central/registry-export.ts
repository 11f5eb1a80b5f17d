/**
 * The certificate journal as the national registry takes it: one table (header + one row
 * per certificate), written as CSV (RFC 4180, CRLF) or as an XLSX workbook with the same
 * columns. IINs stay text in both, so leading zeros survive.
 */
import ExcelJS from 'exceljs';
import type { CertificateRow } from '../db/central';

export const REGISTRY_COLUMNS = ['certificate_number', 'iin', 'full_name', 'exam_id', 'session_id', 'total', 'total_max', 'issued_on', 'valid_until'] as const;

type Cell = string | number;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The registry's rows, in REGISTRY_COLUMNS order. */
export function registryRows(certificates: readonly CertificateRow[]): Cell[][] {
  return certificates.map((r) => [r.certificateNumber, r.iin, r.fullName, r.examId, r.sessionId, r.total, r.totalMax, isoDay(r.issuedAt), isoDay(r.validUntil)]);
}

/** The registry as CSV text. */
export function registryCsvText(certificates: readonly CertificateRow[]): string {
  const quote = (value: Cell) => (/[",\n;]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));
  const lines = [REGISTRY_COLUMNS.join(','), ...registryRows(certificates).map((row) => row.map(quote).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** The registry as an XLSX workbook (one sheet, `registry`), same header and rows as the CSV. */
export async function registryXlsx(certificates: readonly CertificateRow[]): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('registry');
  sheet.addRow([...REGISTRY_COLUMNS]);
  sheet.getRow(1).font = { bold: true };
  for (const row of registryRows(certificates)) sheet.addRow(row);
  // Text columns as text, so Excel never turns an IIN into a number.
  for (const index of [1, 2, 3, 4, 5, 8, 9]) sheet.getColumn(index).numFmt = '@';
  sheet.columns.forEach((column, index) => { column.width = index === 2 ? 32 : 16; });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
