import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { CertificateRow } from '../db/central';
import { REGISTRY_COLUMNS, registryCsvText, registryXlsx } from './registry-export';

const certificate = (overrides: Partial<CertificateRow>): CertificateRow => ({
  certificateNumber: 'KZ-2026-000001', attemptId: 'a1', sessionId: 's1', examId: 'ex-geo', iin: '010203400512', fullName: 'Әбілов Нұрлан',
  individualCode: 'ABCD1234', total: 42.5, totalMax: 50, issuedAt: Date.UTC(2026, 10, 25), validUntil: Date.UTC(2028, 10, 25), ...overrides,
});

async function readBack(bytes: Uint8Array): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  const sheet = workbook.getWorksheet('registry');
  if (!sheet) throw new Error('no registry sheet');
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('registry export', () => {
  it('writes an XLSX with the CSV columns and rows, and a Kazakh name and a leading-zero IIN survive', async () => {
    const certificates = [certificate({}), certificate({ certificateNumber: 'KZ-2026-000002', iin: '990101300123', fullName: 'Қуаныш Өмірзақ; "Ұлан"', total: 30 })];
    const rows = await readBack(await registryXlsx(certificates));
    expect(rows[0]).toEqual([...REGISTRY_COLUMNS]);
    expect(rows[1]).toEqual(['KZ-2026-000001', '010203400512', 'Әбілов Нұрлан', 'ex-geo', 's1', 42.5, 50, '2026-11-25', '2028-11-25']);
    expect(rows[2]?.[2]).toBe('Қуаныш Өмірзақ; "Ұлан"');
    expect(rows).toHaveLength(3);
    // The same table as the CSV, cell for cell.
    const csv = registryCsvText(certificates).trimEnd().split('\r\n');
    expect(csv[0]).toBe(rows[0]!.join(','));
    expect(csv[1]).toBe(rows[1]!.join(','));
  });

  it('writes a header-only workbook when nothing is issued', async () => {
    expect(await readBack(await registryXlsx([]))).toEqual([[...REGISTRY_COLUMNS]]);
  });
});
