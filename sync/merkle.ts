/**
 * RFC 6962 Merkle tree hashing (the Certificate Transparency log tree), used for the
 * venue's signed log head: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right).
 * The hub proves "venue X attested N events with root R, and we hold exactly those"
 * with these roots, inclusion proofs and consistency proofs.
 */
import { bytesToHex, hexToBytes, sha256 } from './sha256';

/** Byte length of every hash in the tree. */
export const MERKLE_HASH_LENGTH = 32;

/** Root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_MERKLE_ROOT: Uint8Array = sha256(new Uint8Array(0));

let sha256Of: (bytes: Uint8Array) => Uint8Array = sha256;

/**
 * Replaces the SHA-256 behind every tree hash, e.g. with Node's native one on the servers,
 * where a hash per appended leaf and node is on the ingest's hot path. The replacement must
 * give identical digests; it is checked on a known vector first. It may reuse nothing of its
 * input after returning (the node hasher reuses one buffer).
 */
export function useMerkleSha256(implementation: (bytes: Uint8Array) => Uint8Array): void {
  const abc = new Uint8Array([0x61, 0x62, 0x63]);
  if (bytesToHex(implementation(abc)) !== bytesToHex(sha256(abc))) throw new Error('useMerkleSha256: the implementation gives a wrong digest');
  sha256Of = implementation;
}

// One reused buffer for the usual leaf, an event hash: a leaf is hashed for every event ingested.
const hashLeafBuffer = new Uint8Array(1 + MERKLE_HASH_LENGTH);

/** Leaf hash: SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Uint8Array {
  if (data.length === MERKLE_HASH_LENGTH) {
    hashLeafBuffer.set(data, 1);
    return sha256Of(hashLeafBuffer);
  }
  const buffer = new Uint8Array(data.length + 1);
  buffer.set(data, 1);
  return sha256Of(buffer);
}

// One reused buffer: node hashing is the hot path of every ingest.
const nodeBuffer = new Uint8Array(1 + 2 * MERKLE_HASH_LENGTH);
nodeBuffer[0] = 1;

/** Interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeBuffer.set(left, 1);
  nodeBuffer.set(right, 1 + MERKLE_HASH_LENGTH);
  return sha256Of(nodeBuffer);
}

/** Leaf hashes of many leaves. */
export function hashLeaves(leaves: readonly Uint8Array[]): Uint8Array[] {
  return leaves.map(leafHash);
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Merkle tree hash of leaf hashes [from, to). */
function subtreeRoot(hashes: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 0) return EMPTY_MERKLE_ROOT;
  if (n === 1) return hashes[from]!;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

/** Merkle tree hash (MTH) over already hashed leaves. */
export function merkleRootOfHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/** Merkle tree hash (MTH) of raw leaf data. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return merkleRootOfHashes(hashLeaves(leaves));
}

function auditPath(hashes: readonly Uint8Array[], index: number, from: number, to: number, out: Uint8Array[]): void {
  const n = to - from;
  if (n <= 1) return;
  const k = splitPoint(n);
  // Deeper components come first: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) when m < k.
  if (index < k) {
    auditPath(hashes, index, from, from + k, out);
    out.push(subtreeRoot(hashes, from + k, to));
  } else {
    auditPath(hashes, index - k, from + k, to, out);
    out.push(subtreeRoot(hashes, from, from + k));
  }
}

/** Inclusion proof (audit path) of leaf `index` in the tree of leaf hashes, leaf to root. */
export function inclusionProofOfHashes(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError(`inclusion proof: index ${index} outside tree of ${leafHashes.length}`);
  }
  const out: Uint8Array[] = [];
  auditPath(leafHashes, index, 0, leafHashes.length, out);
  return out;
}

/** Inclusion proof (audit path) of leaf `index` among raw leaves (RFC 6962 §2.1.1). */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return inclusionProofOfHashes(hashLeaves(leaves), index);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function isPowerOfTwo(x: number): boolean {
  let v = x;
  while (v > 1 && !isOdd(v)) v = half(v);
  return v === 1;
}

/**
 * Checks that `leafHashValue` sits at `index` in the tree of `size` leaves with `root`
 * (RFC 9162 §2.1.3.2). Sizes are plain numbers; they are handled arithmetically, not with 32-bit shifts.
 */
export function verifyInclusion(
  leafHashValue: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  if (leafHashValue.length !== MERKLE_HASH_LENGTH || root.length !== MERKLE_HASH_LENGTH) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHashValue;
  for (const p of proof) {
    if (sn === 0 || p.length !== MERKLE_HASH_LENGTH) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

function subproof(hashes: readonly Uint8Array[], m: number, from: number, to: number, isComplete: boolean, out: Uint8Array[]): void {
  const n = to - from;
  if (m === n) {
    if (!isComplete) out.push(subtreeRoot(hashes, from, to));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(hashes, m, from, from + k, isComplete, out);
    out.push(subtreeRoot(hashes, from + k, to));
  } else {
    subproof(hashes, m - k, from + k, to, false, out);
    out.push(subtreeRoot(hashes, from, from + k));
  }
}

/** Consistency proof between the first `m` leaf hashes and all of them. */
export function consistencyProofOfHashes(leafHashes: readonly Uint8Array[], m: number): Uint8Array[] {
  const n = leafHashes.length;
  if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`consistency proof: size ${m} outside 0..${n}`);
  const out: Uint8Array[] = [];
  if (m === 0 || m === n) return out;
  subproof(leafHashes, m, 0, n, true, out);
  return out;
}

/** Consistency proof that the tree of the first `m` leaves is a prefix of the tree of all leaves (RFC 6962 §2.1.2). */
export function consistencyProof(leaves: readonly Uint8Array[], m: number): Uint8Array[] {
  return consistencyProofOfHashes(hashLeaves(leaves), m);
}

/**
 * Checks that a tree of `size1` leaves with `root1` is a prefix of the tree of `size2`
 * leaves with `root2` (RFC 9162 §2.1.4.2). An empty old tree is consistent with anything.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isInteger(size1) || !Number.isInteger(size2) || size1 < 0 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((p) => p.length !== MERKLE_HASH_LENGTH)) return false;
  const path = [...proof];
  if (isPowerOfTwo(size1)) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}

/** Persistable state of a {@link MerkleAccumulator}: size and the frontier, largest subtree first, as hex. */
export interface MerkleAccumulatorState {
  size: number;
  frontier: string[];
}

function popcount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = half(x)) if (isOdd(x)) count++;
  return count;
}

/**
 * Append-only Merkle tree that keeps only its frontier: the roots of the perfect
 * subtrees that make up the tree, one per set bit of `size`. Append is amortised
 * O(1) hashes (at most log2 n), root is O(log n), and the state is a few hundred bytes,
 * so a server can persist it in the same transaction as the events it covers.
 */
export class MerkleAccumulator {
  #size = 0;
  // Largest (leftmost) subtree first.
  #frontier: Uint8Array[] = [];

  /** Restores an accumulator from {@link MerkleAccumulator.toState}; throws if the state is inconsistent. */
  static fromState(state: MerkleAccumulatorState): MerkleAccumulator {
    if (!Number.isSafeInteger(state.size) || state.size < 0 || popcount(state.size) !== state.frontier.length) {
      throw new RangeError('Merkle accumulator state: frontier does not match size');
    }
    const accumulator = new MerkleAccumulator();
    accumulator.#size = state.size;
    accumulator.#frontier = state.frontier.map((hex) => {
      const bytes = hexToBytes(hex);
      if (bytes.length !== MERKLE_HASH_LENGTH) throw new RangeError('Merkle accumulator state: bad hash length');
      return bytes;
    });
    return accumulator;
  }

  /** Number of leaves appended. */
  get size(): number {
    return this.#size;
  }

  /** Appends raw leaf data. */
  append(leaf: Uint8Array): void {
    this.appendLeafHash(leafHash(leaf));
  }

  /** Appends an already computed leaf hash (SHA-256(0x00 ‖ data)). */
  appendLeafHash(hash: Uint8Array): void {
    if (hash.length !== MERKLE_HASH_LENGTH) throw new RangeError('Merkle leaf hash must be 32 bytes');
    let carry = hash;
    // Each trailing 1 bit of size is a perfect subtree of the same height as `carry`: merge them.
    for (let s = this.#size; isOdd(s); s = half(s)) carry = nodeHash(this.#frontier.pop()!, carry);
    this.#frontier.push(carry);
    this.#size++;
  }

  /** Current Merkle tree hash (equals {@link merkleRoot} of every leaf appended). */
  root(): Uint8Array {
    const f = this.#frontier;
    if (f.length === 0) return EMPTY_MERKLE_ROOT;
    let acc = f[f.length - 1]!;
    for (let i = f.length - 2; i >= 0; i--) acc = nodeHash(f[i]!, acc);
    return acc;
  }

  /** Current root as lowercase hex. */
  rootHex(): string {
    return bytesToHex(this.root());
  }

  /** Serialisable state (JSON-safe). */
  toState(): MerkleAccumulatorState {
    return { size: this.#size, frontier: this.#frontier.map(bytesToHex) };
  }
}
