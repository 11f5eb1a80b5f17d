// The PWA's routes: `/` candidate, `/proctor`, `/central`. Each area lists its own
// routes in <area>/routes.ts with lazily imported pages.
import { createRouter, createWebHistory } from 'vue-router';
import { candidateRoutes } from './candidate/routes';
import { centralRoutes } from './central/routes';
import { proctorRoutes } from './proctor/routes';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...candidateRoutes,
    ...proctorRoutes,
    ...centralRoutes,
    { path: '/:unknown(.*)*', redirect: '/' },
  ],
});
