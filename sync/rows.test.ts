import { describe, expect, it } from 'vitest';
import { DeviceHeadRow, eventOfLoggedRow, HubLoggedEventRow, LoggedEventRow, loggedRowOfEvent } from './rows';
import { candidateChain } from './testkit';

const chain = candidateChain({ deviceId: 'pc-astana-a07', epoch: 1_764_057_000_000, answers: 3, seed: 4 });
const rows = chain.map((event, index) => loggedRowOfEvent(event, index + 1, event.at + 40));

describe('shared row shapes', () => {
  it('parses a venue log row, as SQLite returns it (JSON text), back to the same event', () => {
    const sqliteRow = { ...rows[1]!, body: JSON.stringify(rows[1]!.body) };
    const parsed = LoggedEventRow.parse(sqliteRow);
    expect(eventOfLoggedRow(parsed)).toEqual(chain[1]);
  });

  it('parses the hub copy, with bigint columns as strings and jsonb parsed', () => {
    const pgRow = { ...rows[2]!, venueId: 'astana-01', venueSeq: '3', epoch: String(rows[2]!.epoch), at: String(rows[2]!.at), receivedAt: String(rows[2]!.receivedAt) };
    const parsed = HubLoggedEventRow.parse(pgRow);
    expect(parsed).toMatchObject({ venueId: 'astana-01', venueSeq: 3, epoch: 1_764_057_000_000 });
    expect(eventOfLoggedRow(parsed)).toEqual(chain[2]);
  });

  it('refuses a row whose body was changed after it was hashed', () => {
    const body = rows[1]!.body as { data: { value: { optionIds: string[] } } };
    const tampered = { ...rows[1]!, body: { ...body, data: { ...body.data, value: { optionIds: ['blk-001-z'] } } } };
    const result = LoggedEventRow.safeParse(tampered);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['hash']);
  });

  it('refuses a row whose columns disagree with its body', () => {
    const result = LoggedEventRow.safeParse({ ...rows[0]!, seq: 9, attemptId: 'att-other' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['attemptId', 'seq']);
  });

  it('refuses a body that is not an event, and a head with a negative seq', () => {
    expect(LoggedEventRow.safeParse({ ...rows[0]!, body: '{"type":"nonsense"}' }).success).toBe(false);
    expect(DeviceHeadRow.safeParse({ deviceId: 'pc-1', epoch: 1, ackedSeq: -1, ackedHash: '0'.repeat(64) }).success).toBe(false);
    expect(DeviceHeadRow.parse({ deviceId: 'pc-1', epoch: '1764057000000', ackedSeq: 0, ackedHash: '0'.repeat(64) }).epoch).toBe(1_764_057_000_000);
  });
});
