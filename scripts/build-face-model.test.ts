import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addFaceDetectorMetadata,
  attachModelMetadata,
  bufferDataPositions,
  buildFaceAssets,
  DEFAULT_PATHS,
  decodeImageInputMetadata,
  FACE_MODELS,
  METADATA_NAME,
  readModelMetadata,
  summariseModel,
} from './build-face-model';

const sourceModel = (file: string) => new Uint8Array(readFileSync(join(DEFAULT_PATHS.sourceDir, file)));
const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(FACE_MODELS)('$source', (model) => {
  const original = sourceModel(model.source);
  const built = addFaceDetectorMetadata(original, model.name);

  it('has no metadata as shipped, and TFLITE_METADATA once built', () => {
    expect(readModelMetadata(original)).toBeNull();
    expect(summariseModel(built).metadataNames).toEqual([METADATA_NAME]);
  });

  it('keeps the graph and every weight, adding exactly one buffer', () => {
    const before = summariseModel(original);
    const after = summariseModel(built);
    expect(after.bufferCount).toBe(before.bufferCount + 1);
    expect({ ...after, bufferCount: 0, metadataNames: [] }).toEqual({ ...before, bufferCount: 0, metadataNames: [] });
    expect(before.tensorBytes.some((t) => t.bytes > 0)).toBe(true);
  });

  it('moves every weight by the same multiple of 16 bytes and aligns the metadata to 16', () => {
    const before = bufferDataPositions(original);
    const after = bufferDataPositions(built);
    expect(after).toHaveLength(before.length + 1);
    const shift = after[0]! - before[0]!;
    expect(shift % 16).toBe(0);
    expect(after.slice(0, -1)).toEqual(before.map((p) => p + shift));
    expect(after.at(-1)! % 16).toBe(0);
  });

  it('describes the input as RGB normalised with mean 127.5 and std 127.5', () => {
    const metadata = readModelMetadata(built);
    expect(metadata).not.toBeNull();
    expect(new TextDecoder().decode(metadata!.subarray(4, 8))).toBe('M001');
    const decoded = decodeImageInputMetadata(metadata!);
    expect(decoded).toMatchObject({ modelName: model.name, colorSpace: 1, contentType: 2, processUnitType: 1, mean: [127.5], std: [127.5], inputTensorName: 'input' });
    expect(decoded.outputTensorNames).toEqual(summariseModel(original).outputs.map((o) => o.name));
  });

  it('replaces an existing TFLITE_METADATA entry instead of adding a second', () => {
    const marker = new Uint8Array([1, 2, 3, 4, 5]);
    const twice = attachModelMetadata(built, marker);
    expect(summariseModel(twice).metadataNames).toEqual([METADATA_NAME]);
    expect(Array.from(readModelMetadata(twice)!)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('attachModelMetadata', () => {
  it('refuses a file that is not a TFLite model', () => {
    expect(() => attachModelMetadata(new Uint8Array(64), new Uint8Array(4))).toThrow(/not a TFLite model/);
  });
});

describe('buildFaceAssets', () => {
  function setUp() {
    const dir = mkdtempSync(join(tmpdir(), 'face-assets-'));
    temporaryDirs.push(dir);
    const paths = { sourceDir: join(dir, 'src'), wasmDir: join(dir, 'wasm'), modelsOut: join(dir, 'out/models'), visionOut: join(dir, 'out/vision'), buildInputs: [] };
    mkdirSync(paths.sourceDir);
    mkdirSync(paths.wasmDir);
    for (const model of FACE_MODELS) copyFileSync(join(DEFAULT_PATHS.sourceDir, model.source), join(paths.sourceDir, model.source));
    writeFileSync(join(paths.wasmDir, 'vision_wasm_internal.js'), 'loader');
    writeFileSync(join(paths.wasmDir, 'vision_wasm_internal.wasm'), 'binary');
    return paths;
  }

  it('writes both models and the wasm files, then does nothing while they are up to date', () => {
    const paths = setUp();
    expect(buildFaceAssets(paths)).toHaveLength(4);
    expect(readdirSync(paths.modelsOut).sort()).toEqual(['face_full.tflite', 'face_short.tflite']);
    expect(readFileSync(join(paths.visionOut, 'vision_wasm_internal.js'), 'utf8')).toBe('loader');
    expect(readModelMetadata(new Uint8Array(readFileSync(join(paths.modelsOut, 'face_short.tflite'))))).not.toBeNull();
    expect(buildFaceAssets(paths)).toEqual([]);
  });

  it('rebuilds only what changed', () => {
    const paths = setUp();
    buildFaceAssets(paths);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(paths.sourceDir, 'face_detection_full_range.tflite'), later, later);
    writeFileSync(join(paths.wasmDir, 'vision_wasm_internal.js'), 'new loader');
    utimesSync(join(paths.wasmDir, 'vision_wasm_internal.js'), later, later);
    expect(buildFaceAssets(paths).map((p) => p.split('/').pop()).sort()).toEqual(['face_full.tflite', 'vision_wasm_internal.js']);
    expect(readFileSync(join(paths.visionOut, 'vision_wasm_internal.js'), 'utf8')).toBe('new loader');
  });
});
