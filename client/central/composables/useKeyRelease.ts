// A session's key release as the session page drives it: where the session stands, the
// "release now" request (asked to confirm first), and the release code for an offline venue.
import { ref } from 'vue';
import { callHub, type SessionStatus } from '../api';
import { useHubRequest } from './useHubRequest';

export function useKeyRelease(sessionId: string) {
  const status = ref<SessionStatus | null>(null);
  const isConfirming = ref(false);
  const releaseCode = ref<string | null>(null);
  const load = useHubRequest<void>();
  const release = useHubRequest<{ isReleased: boolean }>();
  const code = useHubRequest<{ releaseCode: string }>();
  const path = `/api/central/schedule/${encodeURIComponent(sessionId)}`;

  async function refresh(): Promise<void> {
    await load.run(async () => { status.value = await callHub<SessionStatus>('GET', path); });
  }

  async function releaseNow(): Promise<void> {
    isConfirming.value = false;
    if (await release.run(() => callHub('POST', `${path}/release`))) await refresh();
  }

  async function showCode(): Promise<void> {
    const answer = await code.run(() => callHub('POST', `${path}/release-code`));
    releaseCode.value = answer?.releaseCode ?? null;
  }

  return { status, isConfirming, releaseCode, load, release, code, refresh, releaseNow, showCode };
}
