import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  EMPTY_MERKLE_ROOT,
  MerkleAccumulator,
  consistencyProof,
  hashLeaves,
  inclusionProof,
  leafHash,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// RFC 6962 reference vectors, as published in transparency-dev/merkle
// (testonly/constants.go and proof/verify_test.go; certificate-transparency uses the same).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hexToBytes);
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
// ROOTS[n] is the root of the first n leaves.
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leaf index (0-based), tree size, proof]
const INCLUSION: Array<[number, number, string[]]> = [
  [0, 1, []],
  [0, 8, [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ]],
  [5, 8, [
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  ]],
];
// [size1, size2, proof]
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ]],
  [6, 8, [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]],
  [2, 5, [
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  ]],
  [6, 7, [
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]],
];

const hex = (list: Uint8Array[]): string[] => list.map(bytesToHex);
const flipBit = (bytes: Uint8Array): Uint8Array => {
  const copy = bytes.slice();
  copy[0] = copy[0]! ^ 8;
  return copy;
};
const root = (n: number): Uint8Array => hexToBytes(ROOTS[n]!);

describe('RFC 6962 vectors', () => {
  it('hashes leaves and every prefix root', () => {
    expect(hex(hashLeaves(LEAVES))).toEqual(LEAF_HASHES);
    expect(bytesToHex(EMPTY_MERKLE_ROOT)).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) expect(bytesToHex(merkleRoot(LEAVES.slice(0, n)))).toBe(ROOTS[n]);
  });

  it.each(INCLUSION)('inclusion proof of leaf %i in tree of %i', (index, size, expected) => {
    const proof = inclusionProof(LEAVES.slice(0, size), index);
    expect(hex(proof)).toEqual(expected);
    const leaf = leafHash(LEAVES[index]!);
    expect(verifyInclusion(leaf, index, size, proof, root(size))).toBe(true);
    // Corruptions the reference suite probes must all fail.
    expect(verifyInclusion(leaf, index + 1, size, proof, root(size))).toBe(false);
    expect(verifyInclusion(leaf, index, size * 2, proof, root(size))).toBe(false);
    expect(verifyInclusion(flipBit(leaf), index, size, proof, root(size))).toBe(false);
    expect(verifyInclusion(leaf, index, size, proof, EMPTY_MERKLE_ROOT)).toBe(false);
    expect(verifyInclusion(leaf, index, size, [...proof, root(size)], root(size))).toBe(false);
    expect(verifyInclusion(leaf, index, size, [root(size), ...proof], root(size))).toBe(false);
    proof.forEach((_, i) => {
      const bad = proof.map((p, j) => (i === j ? flipBit(p) : p));
      expect(verifyInclusion(leaf, index, size, bad, root(size))).toBe(false);
    });
    if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(0, -1), root(size))).toBe(false);
  });

  it.each(CONSISTENCY)('consistency proof from %i to %i', (size1, size2, expected) => {
    const proof = consistencyProof(LEAVES.slice(0, size2), size1);
    expect(hex(proof)).toEqual(expected);
    expect(verifyConsistency(size1, size2, root(size1), root(size2), proof)).toBe(true);
    if (proof.length === 0) return;
    expect(verifyConsistency(size1 - 1, size2, root(size1), root(size2), proof)).toBe(false);
    expect(verifyConsistency(size1 + 1, size2, root(size1), root(size2), proof)).toBe(false);
    expect(verifyConsistency(size1, size2 * 2, root(size1), root(size2), proof)).toBe(false);
    expect(verifyConsistency(size1, size2, root(size2), root(size1), proof)).toBe(false);
    expect(verifyConsistency(size1, size2, root(size1), root(size2), [])).toBe(false);
    expect(verifyConsistency(size1, size2, root(size1), root(size2), proof.slice(0, -1))).toBe(false);
    expect(verifyConsistency(size1, size2, root(size1), root(size2), [...proof, root(size2)])).toBe(false);
    expect(verifyConsistency(size1, size2, root(size1), root(size2), [proof[0]!, ...proof])).toBe(false);
    proof.forEach((_, i) => {
      const bad = proof.map((p, j) => (i === j ? flipBit(p) : p));
      expect(verifyConsistency(size1, size2, root(size1), root(size2), bad)).toBe(false);
    });
  });

  it('handles the trivial consistency cases as the reference does', () => {
    const a = hexToBytes('ab'.repeat(32));
    const b = hexToBytes('cd'.repeat(32));
    expect(verifyConsistency(0, 0, a, a, [])).toBe(true);
    expect(verifyConsistency(0, 1, a, b, [])).toBe(true);
    expect(verifyConsistency(1, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(0, 1, a, a, [EMPTY_MERKLE_ROOT])).toBe(false);
    expect(verifyConsistency(1, 1, a, a, [EMPTY_MERKLE_ROOT])).toBe(false);
  });
});

describe('MerkleAccumulator', () => {
  it('matches every reference root while appending', () => {
    const accumulator = new MerkleAccumulator();
    expect(accumulator.rootHex()).toBe(ROOTS[0]);
    LEAVES.forEach((leaf, i) => {
      accumulator.append(leaf);
      expect(accumulator.size).toBe(i + 1);
      expect(accumulator.rootHex()).toBe(ROOTS[i + 1]);
    });
  });

  it('survives a round trip through its JSON state', () => {
    const accumulator = new MerkleAccumulator();
    LEAVES.slice(0, 7).forEach((leaf) => accumulator.append(leaf));
    const restored = MerkleAccumulator.fromState(JSON.parse(JSON.stringify(accumulator.toState())));
    expect(restored.rootHex()).toBe(ROOTS[7]);
    restored.append(LEAVES[7]!);
    expect(restored.rootHex()).toBe(ROOTS[8]);
    expect(() => MerkleAccumulator.fromState({ size: 3, frontier: [ROOTS[1]!] })).toThrow(RangeError);
  });

  it('agrees with the recursive definition and proofs verify for random trees', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 70 }), fc.nat(), fc.nat(), (leaves, i, j) => {
        const accumulator = new MerkleAccumulator();
        leaves.forEach((leaf) => accumulator.append(leaf));
        const fullRoot = merkleRoot(leaves);
        expect(bytesToHex(accumulator.root())).toBe(bytesToHex(fullRoot));
        const index = i % leaves.length;
        expect(verifyInclusion(leafHash(leaves[index]!), index, leaves.length, inclusionProof(leaves, index), fullRoot)).toBe(true);
        const m = j % (leaves.length + 1);
        const oldRoot = merkleRoot(leaves.slice(0, m));
        expect(verifyConsistency(m, leaves.length, oldRoot, fullRoot, consistencyProof(leaves, m))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
