// The signed-in staff member, shared by every central page.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { callHub, CentralApiError, type StaffRole } from '../api';

export const useCentralStaffStore = defineStore('central-staff', () => {
  const username = ref<string | null>(null);
  const role = ref<StaffRole | null>(null);
  const state = ref<'idle' | 'loading' | 'done' | 'error'>('idle');
  const error = ref<CentralApiError | null>(null);

  async function refresh(): Promise<void> {
    try {
      const me = await callHub<{ username: string; role: StaffRole }>('GET', '/api/staff/me');
      username.value = me.username;
      role.value = me.role;
    } catch {
      username.value = null;
      role.value = null;
    }
    state.value = 'done';
  }

  async function signIn(name: string, password: string): Promise<void> {
    state.value = 'loading';
    error.value = null;
    try {
      const me = await callHub<{ username: string; role: StaffRole }>('POST', '/api/staff/login', { username: name, password });
      username.value = me.username;
      role.value = me.role;
      state.value = 'done';
    } catch (caught) {
      error.value = caught instanceof CentralApiError ? caught : new CentralApiError('internal', String(caught), 0, null);
      state.value = 'error';
    }
  }

  async function signOut(): Promise<void> {
    await callHub('POST', '/api/staff/logout').catch(() => undefined);
    username.value = null;
    role.value = null;
  }

  return { username, role, state, error, refresh, signIn, signOut };
});
