/**
 * Venue enrolment: central staff create one-time tokens; a venue technician's server
 * trades one for a place at the hub, leaving its Ed25519 public key. Tokens are stored
 * hashed and consumed in the same transaction that creates the venue.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EMPTY_MERKLE_ROOT } from '../../sync/merkle';
import { bytesToHex } from '../../sync/canonical';
import type { EnrolRequest } from '../../sync/messages';
import { ApiError } from '../errors';
import type { HubContext } from '../context';
import { appendAudit, consumeEnrolmentToken, createVenueHead, enrolmentTokenState, findVenue, insertEnrolmentToken, insertVenue } from '../db';
import { parseVenuePublicKey } from './venue-auth';

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Default lifetime of an enrolment token. */
export const ENROLMENT_TOKEN_HOURS = 72;

export class EnrolmentService {
  constructor(private readonly ctx: HubContext) {}

  /** Creates a one-time token (returned once, stored hashed), optionally bound to a venue id. */
  async createToken(createdBy: string, options: { venueId?: string; validHours?: number } = {}): Promise<{ token: string; venueId: string | null; expiresAt: number }> {
    // A letter first: a token starting with '-' would read as an option on the set-up command line.
    const token = `enrol-${randomBytes(24).toString('base64url')}`;
    const now = this.ctx.now();
    const expiresAt = now + (options.validHours ?? ENROLMENT_TOKEN_HOURS) * 3_600_000;
    const venueId = options.venueId ?? null;
    await this.ctx.database.db.transaction(async (tx) => {
      await insertEnrolmentToken(tx, { tokenHash: hashToken(token), venueId, createdBy, createdAt: now, expiresAt });
      await appendAudit(tx, { at: now, actor: createdBy, action: 'enrolment-token.created', subject: venueId, detail: { expiresAt } });
    });
    return { token, venueId, expiresAt };
  }

  /** Enrols a venue with a token. A token works once; a repeat by the same venue with the same key is answered again. */
  async enrol(request: EnrolRequest): Promise<{ venueId: string; enrolledAt: number }> {
    if (!parseVenuePublicKey(request.publicKey)) throw new ApiError(400, 'malformed', 'publicKey must be an Ed25519 public key, SPKI DER in base64');
    const tokenHash = hashToken(request.token);
    const now = this.ctx.now();
    const db = this.ctx.database.db;
    const enrolled = await db.transaction(async (tx) => {
      const consumed = await consumeEnrolmentToken(tx, tokenHash, request.venueId, now);
      if (!consumed) return undefined;
      if (consumed.boundVenueId !== null && consumed.boundVenueId !== request.venueId) {
        throw new ApiError(401, 'token-for-other-venue', `this token enrols venue ${consumed.boundVenueId}, not ${request.venueId}`);
      }
      if (!(await insertVenue(tx, { venueId: request.venueId, name: request.name, publicKey: request.publicKey, enrolledAt: now }))) {
        throw new ApiError(409, 'venue-exists', `venue ${request.venueId} is already enrolled`);
      }
      await createVenueHead(tx, request.venueId, bytesToHex(EMPTY_MERKLE_ROOT), now);
      await appendAudit(tx, { at: now, actor: `venue:${request.venueId}`, action: 'venue.enrolled', subject: request.venueId, detail: { name: request.name } });
      return { venueId: request.venueId, enrolledAt: now };
    });
    if (enrolled) return enrolled;
    const state = await enrolmentTokenState(db, tokenHash, now);
    if (state === 'used') {
      const venue = await findVenue(db, request.venueId);
      if (venue && venue.publicKey === request.publicKey) return { venueId: venue.venueId, enrolledAt: venue.enrolledAt };
      throw new ApiError(401, 'token-used', 'this enrolment token was already used');
    }
    if (state === 'expired') throw new ApiError(401, 'token-expired', 'this enrolment token has expired');
    throw new ApiError(401, 'token-unknown', 'no such enrolment token');
  }
}
