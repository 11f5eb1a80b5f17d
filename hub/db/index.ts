/** The hub's storage: the database factory and one module of statements per concern. */
export * from './client';
export * from './ingest';
export * from './alarms';
export * from './venues';
export * from './downlink';
export * from './staff';
export * from './audit';
