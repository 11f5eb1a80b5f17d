import 'fake-indexeddb/auto';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useOutbox } from '../../sync/outbox';
import { useProctorStore } from './proctor';

const profile = { username: 'proctor1', displayName: 'Айжан Сейітова', deviceId: 'dev-x', rooms: [{ sessionId: 's', roomId: 'room-1', roomName: 'Room 1', startsAt: 1 }] };
const requests: string[] = [];
let isOnline = true;

beforeEach(() => {
  setActivePinia(createPinia());
  requests.length = 0;
  isOnline = true;
  vi.stubGlobal('navigator', { get onLine() { return isOnline; } });
  // The network's edge: the venue answers the proctor API; everything else is out of reach.
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${url}`);
    if (!isOnline) throw new TypeError('offline');
    if (url === '/api/proctor/sign-in' || url === '/api/proctor/me') return new Response(JSON.stringify({ proctor: profile }), { status: 200 });
    if (url === '/api/proctor/sign-out') return new Response(JSON.stringify({ isSignedOut: true }), { status: 200 });
    throw new TypeError('offline');
  }));
});
afterEach(() => {
  useOutbox().stop();
  vi.unstubAllGlobals();
});

describe('useProctorStore', () => {
  it('signs in with this tablet\'s device id and keeps the rooms for a reload without Wi-Fi', async () => {
    const store = useProctorStore();
    expect(await store.signIn('proctor1', '1111')).toBe(true);
    expect(store.profile?.rooms.map((r) => r.roomId)).toEqual(['room-1']);
    isOnline = false;
    setActivePinia(createPinia());
    const reloaded = useProctorStore();
    expect(await reloaded.load()).toMatchObject({ username: 'proctor1' });
    expect(reloaded.error?.code).toBe('offline');
    expect(requests.filter((r) => r.includes('/api/proctor/'))).toEqual(['POST /api/proctor/sign-in']);
  });

  it('forgets the rooms at sign-out', async () => {
    const store = useProctorStore();
    await store.signIn('proctor1', '1111');
    await store.signOut();
    isOnline = false;
    setActivePinia(createPinia());
    expect(await useProctorStore().load()).toBeNull();
  });
});
