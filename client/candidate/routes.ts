// The candidate area's routes. Pages load on demand so each area ships only its own code.
import type { RouteRecordRaw } from 'vue-router';

export const candidateRoutes: RouteRecordRaw[] = [
  { path: '/', name: 'candidate-sign-in', component: () => import('./pages/CandidateSignInPage.vue') },
];
