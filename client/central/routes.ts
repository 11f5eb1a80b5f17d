// The central area's routes. Pages load on demand so each area ships only its own code.
// `/verify` is the public certificate check the QR code on a certificate opens.
import type { RouteRecordRaw } from 'vue-router';

export const centralRoutes: RouteRecordRaw[] = [
  { path: '/central', name: 'central-home', component: () => import('./pages/CentralHomePage.vue') },
  { path: '/central/setup', name: 'central-setup', component: () => import('./pages/CentralSetupPage.vue') },
  { path: '/central/sessions/:sessionId', name: 'central-session', component: () => import('./pages/CentralSessionPage.vue') },
  { path: '/central/sessions/:sessionId/attempts/:attemptId', name: 'central-attempt', component: () => import('./pages/CentralAttemptPage.vue') },
  { path: '/central/statistics', name: 'central-statistics', component: () => import('./pages/CentralStatisticsPage.vue') },
  { path: '/central/appeals', name: 'central-appeals', component: () => import('./pages/CentralAppealsPage.vue') },
  { path: '/central/audit', name: 'central-audit', component: () => import('./pages/CentralAuditPage.vue') },
  { path: '/verify', name: 'certificate-verify', component: () => import('./pages/CentralVerifyPage.vue') },
];
