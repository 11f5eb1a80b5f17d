// Entry of the PWA: the shell, the router and Pinia. Areas load their own code on demand.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router';
import { registerServiceWorker } from './shell/useAppUpdate';
import './styles/fonts.css';
import './styles/base.css';

createApp(App).use(createPinia()).use(router).mount('#app');

if (import.meta.env.PROD) void registerServiceWorker();
