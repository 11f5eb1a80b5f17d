/**
 * The signed-in proctor, shared by the proctor's pages: the profile (with the rooms the
 * venue says are theirs), sign-in and sign-out. Signing in binds this tablet's device id
 * to the proctor at the venue, so the events the tablet writes count for those rooms.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ensureDevice, kvGet, kvSet } from '../../db';
import { useOutbox } from '../../sync/outbox';
import { proctorApi, ProctorApiError, type ProctorProfile } from '../api';

export type LoadState = 'idle' | 'loading' | 'done' | 'error';

/** The last profile the venue confirmed, so a tablet reloaded without Wi-Fi keeps working on its rooms. */
const PROFILE_KEY = 'proctor.profile';

export const useProctorStore = defineStore('proctor', () => {
  const profile = ref<ProctorProfile | null>(null);
  const state = ref<LoadState>('idle');
  const error = ref<ProctorApiError | null>(null);

  function startOutbox(): void {
    useOutbox().start();
  }

  /** Who is signed in on this tablet, if anyone. */
  async function load(): Promise<ProctorProfile | null> {
    state.value = 'loading';
    try {
      if (globalThis.navigator?.onLine === false) throw new ProctorApiError('offline', 0, 'the tablet is offline');
      profile.value = await proctorApi.me();
      await kvSet(PROFILE_KEY, profile.value ? JSON.parse(JSON.stringify(profile.value)) : null).catch(() => undefined);
      state.value = 'done';
    } catch (caught) {
      error.value = caught instanceof ProctorApiError ? caught : new ProctorApiError('server-error', 0, String(caught));
      // Out of reach: carry on with the rooms last confirmed; the actions wait in the outbox.
      profile.value = error.value.code === 'offline' ? ((await kvGet<ProctorProfile | null>(PROFILE_KEY).catch(() => null)) ?? null) : null;
      state.value = 'error';
    }
    if (profile.value) startOutbox();
    return profile.value;
  }

  async function signIn(username: string, pin: string): Promise<boolean> {
    state.value = 'loading';
    error.value = null;
    try {
      const device = await ensureDevice();
      profile.value = await proctorApi.signIn({ username, pin, deviceId: device.deviceId });
      await kvSet(PROFILE_KEY, JSON.parse(JSON.stringify(profile.value))).catch(() => undefined);
      startOutbox();
      state.value = 'done';
      return true;
    } catch (caught) {
      error.value = caught instanceof ProctorApiError ? caught : new ProctorApiError('server-error', 0, String(caught));
      state.value = 'error';
      return false;
    }
  }

  async function signOut(): Promise<void> {
    await proctorApi.signOut().catch(() => undefined);
    await kvSet(PROFILE_KEY, null).catch(() => undefined);
    profile.value = null;
  }

  return { profile, state, error, load, signIn, signOut };
});
