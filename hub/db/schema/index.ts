/** All hub tables, one file each. */
export * from './venues';
export * from './enrolment-tokens';
export * from './venue-events';
export * from './device-heads';
export * from './venue-heads';
export * from './nonces';
export * from './alarms';
export * from './downlink-log';
export * from './sessions';
export * from './packages';
export * from './answer-keys';
export * from './staff-accounts';
export * from './staff-sessions';
export * from './audit-log';
export * from './central-tables';
