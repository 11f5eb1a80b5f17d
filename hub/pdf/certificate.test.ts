import { describe, expect, it } from 'vitest';
import { formatDate, renderCertificatePdf } from './certificate';
import { pdfText } from './text';

describe('certificate PDF', () => {
  it('is in Kazakh with the number, IIN, individual code and validity, readable back as text', async () => {
    const issuedAt = Date.UTC(2026, 10, 25);
    const pdf = await renderCertificatePdf({
      certificateNumber: 'KZ-2026-ABCD1234', fullName: 'Өмірзақ Ұлан Қайратұлы', iin: '900115300012', individualCode: 'K7M2QX9WZA',
      examTitleKk: 'Қазақстан географиясы', total: 3, totalMax: 4, issuedAt, validUntil: Date.UTC(2028, 10, 25), verifyUrl: 'https://hub.example/verify?iin=900115300012&code=K7M2QX9WZA',
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const expected of ['ЭЛЕКТРОНДЫҚ СЕРТИФИКАТ', 'KZ-2026-ABCD1234', 'Өмірзақ Ұлан Қайратұлы', 'ЖСН: 900115300012', 'Тестіленушінің жеке коды: K7M2QX9WZA', 'Қазақстан географиясы', 'Жарамдылық мерзімі: 25.11.2028 дейін']) {
      expect(text).toContain(expected);
    }
    expect(formatDate(issuedAt)).toBe('25.11.2026');
  });
});
