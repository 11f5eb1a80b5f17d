/**
 * The venue transport file: the venue's whole log, carried on a USB stick when the
 * internet is down for days. It stores, per chunk, exactly what the network uplink sends
 * (a signed UplinkEnvelope and its deflated venue batch), so the hub imports it with the
 * same checks as a network batch. The chunks are encrypted to the hub's X25519 transport
 * key (ephemeral X25519 → HKDF-SHA256 → AES-256-GCM, the header as associated data), so a
 * lost stick reveals no answers; the whole file is signed with the venue's Ed25519 key,
 * so a changed byte is refused before anything is decrypted or stored.
 *
 * Layout: magic (8 bytes) | header length (u32 BE) | header JSON | ciphertext ‖ GCM tag | signature (64 bytes).
 * Plaintext: per chunk, envelope length (u32 BE) | envelope JSON | body length (u32 BE) | body.
 */
import {
  createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes,
  verify, type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { Hash, Id, Millis } from '../../sync/events';
import { SignedHead, UplinkEnvelope } from '../../sync/messages';
import { SyncRefusal } from '../../sync/refusals';

export const TRANSPORT_MAGIC = Buffer.from('EXVTRN01', 'ascii');
export const TRANSPORT_FORMAT = 'venue-transport/1';
const SIGNATURE_BYTES = 64;
const TAG_BYTES = 16;
const HKDF_INFO = Buffer.from(TRANSPORT_FORMAT, 'utf8');

/** The clear header: who sent it, when, what it attests, and how its key was agreed. */
export const TransportHeader = z.object({
  format: z.literal(TRANSPORT_FORMAT),
  venueId: Id,
  exportedAt: Millis,
  /** The venue's signed Merkle head over the log in the file (size = events in the file). */
  head: SignedHead,
  chunkCount: z.number().int().nonnegative(),
  /** SHA-256 (hex) of the hub transport key's SPKI DER: says which hub key opens the file. */
  hubKeyId: Hash,
  /** The venue's one-time X25519 public key, SPKI DER base64. */
  ephemeralPublicKey: z.string().min(40).max(200),
  iv: z.string().regex(/^[A-Za-z0-9+/]{16}$/, '12 bytes, base64'),
});
export type TransportHeader = z.infer<typeof TransportHeader>;

/** One uplink batch as the network would send it. */
export interface TransportChunk {
  envelope: UplinkEnvelope;
  /** The deflated venue batch whose SHA-256 the envelope signs. */
  body: Uint8Array;
}

/** An X25519 public key in SPKI DER base64 (the form the hub publishes). */
export function parseTransportPublicKey(base64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'x25519') throw new Error('the hub transport key is not an X25519 key');
  return key;
}

export const spkiBase64 = (key: KeyObject): string => (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' }).toString('base64');
export const transportKeyId = (spki: string): string => createHash('sha256').update(Buffer.from(spki, 'base64')).digest('hex');

/** A new hub transport key pair: the private key as PKCS#8 PEM, the public as SPKI DER base64. */
export function newTransportKeyPair(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: spkiBase64(publicKey) };
}

function contentKey(shared: Buffer, ephemeralSpki: string, hubSpki: string): Buffer {
  const salt = Buffer.concat([Buffer.from(ephemeralSpki, 'base64'), Buffer.from(hubSpki, 'base64')]);
  return Buffer.from(hkdfSync('sha256', shared, salt, HKDF_INFO, 32));
}

/** The exact text the venue signs: the file's format, venue and digest of every byte before the signature. */
export function transportSigningText(venueId: string, signedBytes: Uint8Array): string {
  return [TRANSPORT_FORMAT, venueId, createHash('sha256').update(signedBytes).digest('hex')].join('\n');
}

const u32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};

function framePlaintext(chunks: readonly TransportChunk[]): Buffer {
  const parts: Buffer[] = [];
  for (const { envelope, body } of chunks) {
    const json = Buffer.from(JSON.stringify(envelope), 'utf8');
    parts.push(u32(json.length), json, u32(body.length), Buffer.from(body));
  }
  return Buffer.concat(parts);
}

function unframePlaintext(plain: Buffer, chunkCount: number): TransportChunk[] {
  const chunks: TransportChunk[] = [];
  let at = 0;
  const take = (): Buffer => {
    if (at + 4 > plain.length) throw new SyncRefusal('malformed', 'the transport file ends inside a chunk');
    const length = plain.readUInt32BE(at);
    if (at + 4 + length > plain.length) throw new SyncRefusal('malformed', 'the transport file ends inside a chunk');
    const part = plain.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return part;
  };
  while (at < plain.length) {
    let envelope: UplinkEnvelope;
    try {
      envelope = UplinkEnvelope.parse(JSON.parse(take().toString('utf8')));
    } catch (error) {
      if (error instanceof SyncRefusal) throw error;
      throw new SyncRefusal('malformed', `chunk ${chunks.length + 1} of the transport file has no valid envelope`);
    }
    chunks.push({ envelope, body: new Uint8Array(take()) });
  }
  if (chunks.length !== chunkCount) throw new SyncRefusal('malformed', `the transport file holds ${chunks.length} chunks, its header says ${chunkCount}`);
  return chunks;
}

export interface SealOptions {
  venueId: string;
  exportedAt: number;
  head: SignedHead;
  chunks: readonly TransportChunk[];
  /** The hub's transport public key (SPKI DER base64). */
  hubPublicKey: string;
  /** Ed25519 signature (base64) of a text with the venue's key. */
  sign: (text: string) => string;
}

/** Encrypts the chunks to the hub's key and signs the whole file with the venue's key. */
export function sealTransportFile(options: SealOptions): Uint8Array {
  const hubKey = parseTransportPublicKey(options.hubPublicKey);
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublicKey = spkiBase64(ephemeral.publicKey);
  const iv = randomBytes(12);
  const header: TransportHeader = {
    format: TRANSPORT_FORMAT, venueId: options.venueId, exportedAt: options.exportedAt, head: options.head, chunkCount: options.chunks.length,
    hubKeyId: transportKeyId(options.hubPublicKey), ephemeralPublicKey, iv: iv.toString('base64'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.concat([TRANSPORT_MAGIC, u32(headerBytes.length), headerBytes]);
  const key = contentKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: hubKey }), ephemeralPublicKey, options.hubPublicKey);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(prefix);
  const ciphertext = Buffer.concat([cipher.update(framePlaintext(options.chunks)), cipher.final(), cipher.getAuthTag()]);
  const signed = Buffer.concat([prefix, ciphertext]);
  const signature = Buffer.from(options.sign(transportSigningText(options.venueId, signed)), 'base64');
  if (signature.length !== SIGNATURE_BYTES) throw new Error('the venue signature is not an Ed25519 signature');
  return new Uint8Array(Buffer.concat([signed, signature]));
}

/** A transport file split into its parts; nothing is verified yet. */
export interface TransportEnvelope {
  header: TransportHeader;
  prefix: Buffer;
  ciphertext: Buffer;
  signedBytes: Buffer;
  signature: Buffer;
}

/** Reads the clear header and framing; refuses (`malformed`) anything that is not a transport file. */
export function readTransportFile(file: Uint8Array): TransportEnvelope {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (bytes.length < TRANSPORT_MAGIC.length + 4 + SIGNATURE_BYTES + TAG_BYTES || !bytes.subarray(0, 8).equals(TRANSPORT_MAGIC)) {
    throw new SyncRefusal('malformed', 'this is not a venue transport file');
  }
  const headerLength = bytes.readUInt32BE(8);
  const headerEnd = 12 + headerLength;
  if (headerEnd + TAG_BYTES + SIGNATURE_BYTES > bytes.length) throw new SyncRefusal('malformed', 'the transport file is cut short');
  let header: TransportHeader;
  try {
    header = TransportHeader.parse(JSON.parse(bytes.subarray(12, headerEnd).toString('utf8')));
  } catch {
    throw new SyncRefusal('malformed', 'the transport file header does not parse');
  }
  const signedBytes = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  return {
    header, prefix: bytes.subarray(0, headerEnd), ciphertext: bytes.subarray(headerEnd, bytes.length - SIGNATURE_BYTES), signedBytes,
    signature: bytes.subarray(bytes.length - SIGNATURE_BYTES),
  };
}

/** Whether the venue's Ed25519 key signed this file. */
export function isTransportSignature(file: TransportEnvelope, venueKey: KeyObject): boolean {
  const text = Buffer.from(transportSigningText(file.header.venueId, file.signedBytes), 'utf8');
  try {
    return verify(null, text, venueKey, file.signature);
  } catch {
    return false;
  }
}

/** Decrypts the chunks with the hub's transport private key (PKCS#8 PEM); a wrong key or changed byte is refused. */
export function openTransportFile(file: TransportEnvelope, hubPrivateKeyPem: string): TransportChunk[] {
  const privateKey = createPrivateKey(hubPrivateKeyPem);
  const hubPublicKey = spkiBase64(privateKey);
  if (transportKeyId(hubPublicKey) !== file.header.hubKeyId) {
    throw new SyncRefusal('malformed', 'the file was encrypted to another hub transport key');
  }
  const ephemeral = parseTransportPublicKey(file.header.ephemeralPublicKey);
  const key = contentKey(diffieHellman({ privateKey, publicKey: ephemeral }), file.header.ephemeralPublicKey, hubPublicKey);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.header.iv, 'base64'));
  decipher.setAAD(file.prefix);
  decipher.setAuthTag(file.ciphertext.subarray(file.ciphertext.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(file.ciphertext.subarray(0, file.ciphertext.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SyncRefusal('bad-signature', 'the transport file does not decrypt: it was changed after it was sealed');
  }
  return unframePlaintext(plain, file.header.chunkCount);
}
