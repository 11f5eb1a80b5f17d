// The candidate area's routes. Pages load on demand so each area ships only its own code.
import type { RouteRecordRaw } from 'vue-router';

// The area's texts load with its first page, so other areas never carry them.
const page = <T>(load: () => Promise<T>) => async () => {
  const [module] = await Promise.all([
    load(),
    import('./messages').then((messages) => messages.installCandidateMessages()),
    import('../proctoring/install').then((proctoring) => proctoring.installProctoring()),
  ]);
  return module;
};

export const candidateRoutes: RouteRecordRaw[] = [
  { path: '/', name: 'candidate-sign-in', component: page(() => import('./pages/CandidateSignInPage.vue')) },
  { path: '/confirm', name: 'candidate-confirm', component: page(() => import('./pages/CandidateConfirmPage.vue')) },
  { path: '/rules', name: 'candidate-rules', component: page(() => import('./pages/CandidateRulesPage.vue')) },
  { path: '/pre-check', name: 'candidate-pre-check', component: page(() => import('./pages/CandidatePreCheckPage.vue')) },
  { path: '/wait', name: 'candidate-wait', component: page(() => import('./pages/CandidateWaitPage.vue')) },
  { path: '/exam', name: 'candidate-exam', component: page(() => import('./pages/CandidateExamPage.vue')) },
  { path: '/finish', name: 'candidate-finish', component: page(() => import('./pages/CandidateFinishPage.vue')) },
  { path: '/result', name: 'candidate-result', component: page(() => import('./pages/CandidateResultPage.vue')) },
];
