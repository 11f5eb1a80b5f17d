/** Storage of the central staff's area (hub/central/): one module per concern. */
export * from './exams';
export * from './sessions';
export * from './evidence';
export * from './decisions';
export * from './attempt-summaries';
