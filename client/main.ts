// Entry of the PWA: the shell, the router and Pinia. Areas load their own code on demand.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { registerServiceWorker } from './shell/useAppUpdate';
import { requestPersistentStorage } from './db/storage';
import './styles/fonts.css';
import './styles/base.css';

createApp(App).use(createPinia()).use(router).mount('#app');

if (import.meta.env.PROD) void registerServiceWorker();
// The device's events are the only copy until the venue acknowledges them.
void requestPersistentStorage();
