/// <reference lib="webworker" />
/**
 * The PWA's service worker. It precaches the app shell, the fonts, the MediaPipe
 * wasm and the face model (the list is injected at build time), and answers every
 * navigation with the cached index.html, so after the first visit a classroom PC
 * starts the shell with no network at all. The API is never cached: /api/ always
 * goes to the venue.
 *
 * A new version installs and then waits. It takes over only when the page sends
 * SKIP_WAITING, which the shell does only when no attempt is in progress.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clientsClaim } from 'workbox-core';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string; revision: string | null }> };

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const message: unknown = event.data;
  if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});

// The first install has no older version to protect, so it controls the open page
// at once: that page then works offline without a reload. Later versions only
// take over through SKIP_WAITING above.
clientsClaim();
