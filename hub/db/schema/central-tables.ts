/** The central staff's tables (hub/central/), one file per concern. */
export * from './central-exams';
export * from './central-rooms';
export * from './central-sessions';
export * from './central-decisions';
export * from './central-results';
export * from './central-attempt-summaries';
