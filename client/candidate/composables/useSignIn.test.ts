import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeIin } from '../../../sync/iin';
import { useSignIn } from './useSignIn';

const realFetch = globalThis.fetch;
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const requests: string[] = [];

beforeEach(() => {
  setActivePinia(createPinia());
  requests.length = 0;
  // The venue at the network's edge.
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    requests.push(String(input));
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

const IIN = makeIin('1990-04-12', 'male', 1);

describe('useSignIn', () => {
  it('names the IIN rule that is broken before asking the venue', async () => {
    const form = useSignIn();
    form.accessCode.value = 'CODE';
    for (const [iin, key] of [['', 'cand.iin.empty'], ['12345', 'cand.iin.length'], ['12345678901x', 'cand.iin.non-digit'], [IIN.slice(0, 11) + String((Number(IIN[11]) + 1) % 10), 'cand.iin.check-digit']] as const) {
      form.iin.value = iin;
      expect(await form.submit()).toBe(false);
      expect(form.error.value).toMatchObject({ key, field: 'iin' });
    }
    expect(requests).toEqual([]);
  });

  it('shows the venue\u2019s generic refusal and its rate limit', async () => {
    const form = useSignIn();
    form.iin.value = IIN;
    form.accessCode.value = 'WRONG';
    answer = { status: 401, body: { code: 'sign-in-refused', message: 'no' } };
    expect(await form.submit()).toBe(false);
    expect(form.error.value).toMatchObject({ key: 'cand.sign-in.refused', field: 'code' });
    answer = { status: 429, body: { code: 'too-many-attempts', message: 'wait', details: { retryAfterSeconds: 610 } } };
    expect(await form.submit()).toBe(false);
    expect(form.error.value).toEqual({ key: 'cand.sign-in.too-many', params: { minutes: 11 }, field: 'form' });
    expect(form.state.value).toBe('error');
  });

  it('signs in and keeps who signed in', async () => {
    const form = useSignIn();
    form.iin.value = ` ${IIN} `;
    form.accessCode.value = 'K7Q2-M9XD';
    answer = { status: 200, body: { profile: { candidateId: 'cand-1', attemptId: 's.cand-1' } } };
    expect(await form.submit()).toBe(true);
    expect(form.state.value).toBe('done');
    expect(requests).toEqual(['/api/candidate/login']);
  });
});
