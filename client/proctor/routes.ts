// The proctor area's routes. Pages load on demand so each area ships only its own code.
import type { RouteRecordRaw } from 'vue-router';

export const proctorRoutes: RouteRecordRaw[] = [
  { path: '/proctor', name: 'proctor-home', component: () => import('./pages/ProctorHomePage.vue') },
  { path: '/proctor/rooms/:sessionId/:roomId', name: 'proctor-room', component: () => import('./pages/ProctorRoomPage.vue'), props: true },
];
