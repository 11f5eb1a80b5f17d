/**
 * The demo credentials as a plain-text sheet: one table per session and room, in
 * seating-list order, then proctors and central staff. For the start-up banner and for
 * printing; it holds the plain codes, so it is shown to the operator and never stored.
 */
import type { DemoCredentials } from './index';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => (row[col] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Formats the demo credentials as a readable sheet. */
export function formatCredentials(credentials: DemoCredentials): string {
  const lines: string[] = [];
  const groups = new Map<string, DemoCredentials['candidates']>();
  for (const candidate of credentials.candidates) {
    const key = `${candidate.sessionId} (${candidate.examId}), ${candidate.roomId}`;
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  for (const [title, candidates] of groups) {
    lines.push(`Candidates: session ${title}`, ...table(
      ['seat', 'IIN', 'access code', 'language', 'extra', 'name'],
      candidates.map((c) => [c.seatLabel, c.iin, c.accessCode, c.language, c.accommodations.join(',') || '-', c.fullName]),
    ), '');
  }
  lines.push('Proctors (venue)', ...table(['username', 'PIN', 'rooms', 'name'], credentials.proctors.map((p) => [p.username, p.pin, p.roomIds.join(','), p.displayName])), '');
  lines.push('Central staff (hub)', ...table(['username', 'password', 'role', 'name'], credentials.staff.map((s) => [s.username, s.password, s.role, s.displayName])));
  return lines.join('\n');
}
