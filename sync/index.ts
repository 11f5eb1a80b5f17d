/** The contract between the tiers: schemas, hashing, chains, the Merkle log, the protocol and the fold. */
export * from './canonical';
export * from './events';
export * from './chain';
export * from './package';
export * from './roster';
export * from './messages';
export * from './iin';
export * from './merkle';
export * from './refusals';
export * from './codec';
export * from './receiver';
export * from './fold';
export * from './scoring';
export * from './rows';
