/** The contract between the tiers: schemas, hashing, chains, the Merkle log, the protocol and the fold. */
export * from './canonical';
export * from './events';
export * from './chain';
export * from './package';
export * from './roster';
export * from './messages';
