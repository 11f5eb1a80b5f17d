// The central area's routes. Pages load on demand so each area ships only its own code.
import type { RouteRecordRaw } from 'vue-router';

export const centralRoutes: RouteRecordRaw[] = [
  { path: '/central', name: 'central-home', component: () => import('./pages/CentralHomePage.vue') },
];
