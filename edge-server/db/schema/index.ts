/** Every table of the venue database, one file each. */
export * from './venue-config';
export * from './venue-log';
export * from './device-heads';
export * from './sync-alarms';
export * from './merkle-state';
export * from './uplink-state';
export * from './downlink-state';
export * from './sessions';
export * from './sealed-packages';
export * from './sealed-answer-keys';
export * from './released-keys';
export * from './candidate';
export * from './proctor';
export * from './setup-pcs';
