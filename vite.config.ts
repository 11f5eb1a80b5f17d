// Build of the one PWA (candidate, proctor and central areas) that the venue serves
// from dist/. Our own service worker (client/sw/sw.ts) precaches the app shell, the
// fonts, the MediaPipe wasm and the face model, so after the first visit the shell
// starts with no network at all.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./client', import.meta.url));
const outDir = fileURLToPath(new URL('./dist', import.meta.url));

export default defineConfig({
  root,
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  plugins: [
    vue(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      // 'prompt': a new version waits until the shell asks for it, and the shell
      // asks only when no attempt is in progress (client/shell/useAppUpdate.ts).
      registerType: 'prompt',
      // The shell registers the worker itself with workbox-window.
      injectRegister: false,
      manifest: {
        name: 'Компьютерлік тестілеу',
        short_name: 'Тестілеу',
        lang: 'kk',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#0b5cad',
        icons: [{ src: '/icons/app-icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      // The plugin adds the manifest itself; the icons come with the glob below.
      includeManifestIcons: false,
      injectManifest: {
        globPatterns: [
          '**/*.{js,css,html,svg,png,ico,woff2}',
          // Produced into public/ by the vision build step; absent files only warn.
          'vision/*.{js,wasm}',
          'models/*.tflite',
        ],
        // Every browser a venue supports has wasm SIMD, so MediaPipe never loads its
        // no-SIMD build (11 MB); a browser that does still fetches it from the venue.
        globIgnores: ['vision/*nosimd*'],
        // The MediaPipe wasm is about 11 MB; it must be cached to proctor offline.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  // The face workers are module workers: tasks-vision loads its wasm loader with import().
  worker: { format: 'es' },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Fonts stay files of their own so the service worker caches them once.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:4100' },
  },
  preview: { host: '127.0.0.1' },
});
