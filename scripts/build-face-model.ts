/**
 * Builds the face-detection assets the PWA serves from its own origin:
 *   public/models/face_short.tflite, public/models/face_full.tflite
 *     the BlazeFace models from npm `@mediapipe/face_detection`, with the TFLite
 *     model metadata that `@mediapipe/tasks-vision` needs (input normalisation
 *     and colour space), which the npm files lack;
 *   public/vision/*
 *     the tasks-vision wasm runtime, copied so that no CDN is ever needed.
 * Both folders are build output (git-ignored). Runs at postinstall and prebuild;
 * it does nothing when the outputs are newer than their inputs.
 *
 * Run: `npx tsx scripts/build-face-model.ts`
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Builder, ByteBuffer } from 'flatbuffers';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Name under which TFLite and MediaPipe look up model metadata in `Model.metadata`. */
export const METADATA_NAME = 'TFLITE_METADATA';
/** File identifier of `metadata_schema.fbs` (ModelMetadata). */
export const METADATA_FILE_IDENTIFIER = 'M001';
const MODEL_FILE_IDENTIFIER = 'TFL3';

// Slots (field indices) taken from TensorFlow Lite's schema.fbs and
// tflite-support's metadata_schema.fbs. A flatbuffer field is addressed by slot,
// so these numbers are the whole contract with the two schemas.
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 } as const;
const MODEL_FIELD_COUNT = 8;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2 } as const;
const TENSOR = { shape: 0, name: 3 } as const;
const BUFFER = { data: 0, offset: 1, size: 2 } as const;
const METADATA_ENTRY = { name: 0, buffer: 1 } as const;
const CONTENT_PROPERTIES_IMAGE = 2; // union ContentProperties { FeatureProperties, ImageProperties, ... }
const PROCESS_UNIT_NORMALIZATION = 1; // union ProcessUnitOptions { NormalizationOptions, ... }
const COLOR_SPACE = { UNKNOWN: 0, RGB: 1, GRAYSCALE: 2 } as const;

export interface ImageInputMetadata {
  modelName: string;
  description: string;
  license: string;
  author: string;
  inputTensorName: string;
  /** Names of the model's output tensors, one metadata entry each (the schema wants one per output). */
  outputTensorNames: string[];
  /** Per-channel (or one shared) normalisation: (pixel - mean) / std. */
  mean: number[];
  std: number[];
  colorSpace: keyof typeof COLOR_SPACE;
}

function createFloatVector(builder: Builder, values: number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]!);
  return builder.endVector();
}

function createOffsetVector(builder: Builder, offsets: number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

function createNamedTensorMetadata(builder: Builder, name: string): number {
  const nameOffset = builder.createString(name);
  builder.startObject(7);
  builder.addFieldOffset(0, nameOffset, 0);
  return builder.endObject();
}

/** Writes a `ModelMetadata` flatbuffer (identifier M001) for a model with one image input. */
export function buildImageInputMetadata(spec: ImageInputMetadata): Uint8Array {
  const builder = new Builder(1024);

  const mean = createFloatVector(builder, spec.mean);
  const std = createFloatVector(builder, spec.std);
  builder.startObject(2); // NormalizationOptions { mean, std }
  builder.addFieldOffset(0, mean, 0);
  builder.addFieldOffset(1, std, 0);
  const normalization = builder.endObject();

  builder.startObject(2); // ProcessUnit { options_type, options }
  builder.addFieldInt8(0, PROCESS_UNIT_NORMALIZATION, 0);
  builder.addFieldOffset(1, normalization, 0);
  const processUnit = builder.endObject();
  const processUnits = createOffsetVector(builder, [processUnit]);

  builder.startObject(2); // ImageProperties { color_space, default_size }
  builder.addFieldInt8(0, COLOR_SPACE[spec.colorSpace], 0);
  const imageProperties = builder.endObject();

  builder.startObject(3); // Content { content_properties_type, content_properties, range }
  builder.addFieldInt8(0, CONTENT_PROPERTIES_IMAGE, 0);
  builder.addFieldOffset(1, imageProperties, 0);
  const content = builder.endObject();

  const inputName = builder.createString(spec.inputTensorName);
  const inputDescription = builder.createString('Camera frame, resized by the task to the model input size.');
  builder.startObject(7); // TensorMetadata { name, description, dimension_names, content, process_units, stats, associated_files }
  builder.addFieldOffset(0, inputName, 0);
  builder.addFieldOffset(1, inputDescription, 0);
  builder.addFieldOffset(3, content, 0);
  builder.addFieldOffset(4, processUnits, 0);
  const inputTensor = builder.endObject();

  const outputTensors = spec.outputTensorNames.map((name) => createNamedTensorMetadata(builder, name));
  const inputs = createOffsetVector(builder, [inputTensor]);
  const outputs = createOffsetVector(builder, outputTensors);
  builder.startObject(10); // SubGraphMetadata
  builder.addFieldOffset(2, inputs, 0);
  builder.addFieldOffset(3, outputs, 0);
  const subgraph = builder.endObject();
  const subgraphs = createOffsetVector(builder, [subgraph]);

  const name = builder.createString(spec.modelName);
  const description = builder.createString(spec.description);
  const author = builder.createString(spec.author);
  const license = builder.createString(spec.license);
  const minParserVersion = builder.createString('1.0.0');
  builder.startObject(8); // ModelMetadata
  builder.addFieldOffset(0, name, 0);
  builder.addFieldOffset(1, description, 0);
  builder.addFieldOffset(3, subgraphs, 0);
  builder.addFieldOffset(4, author, 0);
  builder.addFieldOffset(5, license, 0);
  builder.addFieldOffset(7, minParserVersion, 0);
  builder.finish(builder.endObject(), METADATA_FILE_IDENTIFIER);
  return builder.asUint8Array().slice();
}

// ---- Reading flatbuffers: tiny helpers over the runtime's ByteBuffer ----

function field(bb: ByteBuffer, table: number, slot: number): number {
  return bb.__offset(table, 4 + 2 * slot);
}

function tableRef(bb: ByteBuffer, table: number, slot: number): number | null {
  const at = field(bb, table, slot);
  return at ? bb.__indirect(table + at) : null;
}

function tableVector(bb: ByteBuffer, table: number, slot: number): number[] {
  const at = field(bb, table, slot);
  if (!at) return [];
  const start = bb.__vector(table + at);
  const length = bb.__vector_len(table + at);
  return Array.from({ length }, (_, i) => bb.__indirect(start + 4 * i));
}

function scalarVector(bb: ByteBuffer, table: number, slot: number, read: (pos: number) => number): number[] {
  const at = field(bb, table, slot);
  if (!at) return [];
  const start = bb.__vector(table + at);
  return Array.from({ length: bb.__vector_len(table + at) }, (_, i) => read(start + 4 * i));
}

function stringField(bb: ByteBuffer, table: number, slot: number): string | null {
  const at = field(bb, table, slot);
  return at ? (bb.__string(table + at) as string) : null;
}

function byteVector(bb: ByteBuffer, table: number, slot: number): Uint8Array | null {
  const at = field(bb, table, slot);
  if (!at) return null;
  const start = bb.__vector(table + at);
  return bb.bytes().subarray(start, start + bb.__vector_len(table + at));
}

function fieldCount(bb: ByteBuffer, table: number): number {
  const vtable = table - bb.readInt32(table);
  return (bb.readUint16(vtable) - 4) / 2;
}

function openModel(model: Uint8Array): { bb: ByteBuffer; root: number } {
  const bb = new ByteBuffer(model);
  if (!bb.__has_identifier(MODEL_FILE_IDENTIFIER)) throw new Error(`not a TFLite model: file identifier is not ${MODEL_FILE_IDENTIFIER}`);
  return { bb, root: bb.readInt32(0) };
}

export interface ModelSummary {
  version: number;
  operatorCodeCount: number;
  subgraphCount: number;
  bufferCount: number;
  metadataNames: string[];
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  /** Every tensor of subgraph 0 with its buffer's byte length, to prove the weights survived. */
  tensorBytes: { name: string; bytes: number }[];
}

function describeTensor(bb: ByteBuffer, tensor: number): { name: string; shape: number[] } {
  return { name: stringField(bb, tensor, TENSOR.name) ?? '', shape: scalarVector(bb, tensor, TENSOR.shape, (p) => bb.readInt32(p)) };
}

/** Reads the parts of a TFLite model this script touches or must leave intact. */
export function summariseModel(model: Uint8Array): ModelSummary {
  const { bb, root } = openModel(model);
  const buffers = tableVector(bb, root, MODEL.buffers);
  const [subgraph] = tableVector(bb, root, MODEL.subgraphs);
  const tensors = subgraph === undefined ? [] : tableVector(bb, subgraph, SUBGRAPH.tensors);
  const indices = (slot: number) => (subgraph === undefined ? [] : scalarVector(bb, subgraph, slot, (p) => bb.readInt32(p)));
  return {
    version: field(bb, root, MODEL.version) ? bb.readUint32(root + field(bb, root, MODEL.version)) : 0,
    operatorCodeCount: tableVector(bb, root, MODEL.operatorCodes).length,
    subgraphCount: tableVector(bb, root, MODEL.subgraphs).length,
    bufferCount: buffers.length,
    metadataNames: tableVector(bb, root, MODEL.metadata).map((entry) => stringField(bb, entry, METADATA_ENTRY.name) ?? ''),
    inputs: indices(SUBGRAPH.inputs).map((i) => describeTensor(bb, tensors[i]!)),
    outputs: indices(SUBGRAPH.outputs).map((i) => describeTensor(bb, tensors[i]!)),
    tensorBytes: tensors.map((tensor) => {
      const bufferField = field(bb, tensor, 2);
      const bufferIndex = bufferField ? bb.readUint32(tensor + bufferField) : 0;
      const buffer = buffers[bufferIndex];
      return { name: stringField(bb, tensor, TENSOR.name) ?? '', bytes: buffer === undefined ? 0 : (byteVector(bb, buffer, BUFFER.data)?.length ?? 0) };
    }),
  };
}

/** Byte position of each non-empty buffer's data in the file (TFLite wants them 16-byte aligned). */
export function bufferDataPositions(model: Uint8Array): number[] {
  const { bb, root } = openModel(model);
  return tableVector(bb, root, MODEL.buffers)
    .map((buffer) => byteVector(bb, buffer, BUFFER.data))
    .filter((data): data is Uint8Array => data !== null && data.length > 0)
    .map((data) => data.byteOffset - model.byteOffset);
}

/** The bytes stored in the model's buffer for metadata entry `name`, or null. */
export function readModelMetadata(model: Uint8Array, name = METADATA_NAME): Uint8Array | null {
  const { bb, root } = openModel(model);
  const buffers = tableVector(bb, root, MODEL.buffers);
  for (const entry of tableVector(bb, root, MODEL.metadata)) {
    if (stringField(bb, entry, METADATA_ENTRY.name) !== name) continue;
    const at = field(bb, entry, METADATA_ENTRY.buffer);
    const buffer = buffers[at ? bb.readUint32(entry + at) : 0];
    return buffer === undefined ? null : byteVector(bb, buffer, BUFFER.data);
  }
  return null;
}

export interface DecodedImageInputMetadata {
  modelName: string | null;
  colorSpace: number;
  contentType: number;
  processUnitType: number;
  mean: number[];
  std: number[];
  inputTensorName: string | null;
  outputTensorNames: (string | null)[];
}

/** Parses what `buildImageInputMetadata` wrote, following the schema independently of the writer. */
export function decodeImageInputMetadata(metadata: Uint8Array): DecodedImageInputMetadata {
  const bb = new ByteBuffer(metadata);
  if (!bb.__has_identifier(METADATA_FILE_IDENTIFIER)) throw new Error('metadata lacks file identifier M001');
  const root = bb.readInt32(0);
  const [subgraph] = tableVector(bb, root, 3);
  if (subgraph === undefined) throw new Error('metadata has no subgraph');
  const [input] = tableVector(bb, subgraph, 2);
  if (input === undefined) throw new Error('metadata has no input tensor');
  const content = tableRef(bb, input, 3);
  const imageProperties = content === null ? null : tableRef(bb, content, 1);
  const [processUnit] = tableVector(bb, input, 4);
  const options = processUnit === undefined ? null : tableRef(bb, processUnit, 1);
  const int8 = (table: number | null | undefined, slot: number) => {
    if (table === null || table === undefined) return 0;
    const at = field(bb, table, slot);
    return at ? bb.readInt8(table + at) : 0;
  };
  return {
    modelName: stringField(bb, root, 0),
    colorSpace: int8(imageProperties, 0),
    contentType: int8(content, 0),
    processUnitType: int8(processUnit, 0),
    mean: options === null ? [] : scalarVector(bb, options, 0, (p) => bb.readFloat32(p)),
    std: options === null ? [] : scalarVector(bb, options, 1, (p) => bb.readFloat32(p)),
    inputTensorName: stringField(bb, input, 0),
    outputTensorNames: tableVector(bb, subgraph, 3).map((t) => stringField(bb, t, 0)),
  };
}

/**
 * Returns a copy of a TFLite model whose `metadata` list holds `name` → a new
 * buffer with `metadata` (replacing an entry of that name if there was one).
 *
 * Flatbuffer offsets only point forward, and a builder writes back to front.
 * So the original model goes in first, as one 16-byte-aligned block at the end
 * of the new file, and a new root `Model` table is written in front of it. The
 * new root reuses every original object through forward offsets (their
 * relative positions, and so their alignment, are unchanged) and only the
 * `buffers` and `metadata` vectors are new. The old root stays behind as
 * unreferenced bytes, which the TFLite verifier never visits.
 */
export function attachModelMetadata(model: Uint8Array, metadata: Uint8Array, name = METADATA_NAME): Uint8Array {
  const { bb, root } = openModel(model);
  const fields = fieldCount(bb, root);
  for (let slot = MODEL_FIELD_COUNT; slot < fields; slot++) {
    if (field(bb, root, slot)) throw new Error(`Model has field ${slot}, unknown to this script: refusing to drop it`);
  }
  const oldBuffers = tableVector(bb, root, MODEL.buffers);
  for (const buffer of oldBuffers) {
    if (field(bb, buffer, BUFFER.offset) || field(bb, buffer, BUFFER.size)) {
      throw new Error('Model keeps buffer data outside the flatbuffer (Buffer.offset): not supported');
    }
  }
  const oldMetadata = tableVector(bb, root, MODEL.metadata).filter((entry) => stringField(bb, entry, METADATA_ENTRY.name) !== name);

  const builder = new Builder(model.length + metadata.length + 4096);
  builder.prep(16, model.length);
  const blob = builder.createByteVector(model);
  const base = blob - 4; // builder offset (distance from the end) of the model's byte 0
  const reuse = (position: number) => base - position;

  builder.prep(16, metadata.length); // Buffer.data is force_align: 16
  const metadataData = builder.createByteVector(metadata);
  builder.startObject(3);
  builder.addFieldOffset(BUFFER.data, metadataData, 0);
  const metadataBuffer = builder.endObject();
  const buffers = createOffsetVector(builder, [...oldBuffers.map(reuse), metadataBuffer]);

  const metadataName = builder.createString(name);
  builder.startObject(2);
  builder.addFieldOffset(METADATA_ENTRY.name, metadataName, 0);
  builder.addFieldInt32(METADATA_ENTRY.buffer, oldBuffers.length, 0);
  const entry = builder.endObject();
  const entries = createOffsetVector(builder, [...oldMetadata.map(reuse), entry]);

  builder.startObject(MODEL_FIELD_COUNT);
  const versionAt = field(bb, root, MODEL.version);
  builder.addFieldInt32(MODEL.version, versionAt ? bb.readUint32(root + versionAt) : 0, 0);
  for (const slot of [MODEL.operatorCodes, MODEL.subgraphs, MODEL.description, MODEL.metadataBuffer, MODEL.signatureDefs]) {
    const target = tableRef(bb, root, slot);
    if (target !== null) builder.addFieldOffset(slot, reuse(target), 0);
  }
  builder.addFieldOffset(MODEL.buffers, buffers, 0);
  builder.addFieldOffset(MODEL.metadata, entries, 0);
  builder.finish(builder.endObject(), MODEL_FILE_IDENTIFIER);
  return builder.asUint8Array().slice();
}

/** The model file with metadata for tasks-vision: BlazeFace input is RGB scaled to [-1, 1]. */
export function addFaceDetectorMetadata(model: Uint8Array, modelName: string): Uint8Array {
  const summary = summariseModel(model);
  const [input] = summary.inputs;
  if (summary.inputs.length !== 1 || input === undefined || input.shape.length !== 4 || input.shape[3] !== 3) {
    throw new Error(`${modelName}: expected one NHWC RGB input, found ${JSON.stringify(summary.inputs)}`);
  }
  const metadata = buildImageInputMetadata({
    modelName,
    description: 'BlazeFace face detector from @mediapipe/face_detection, with input metadata for @mediapipe/tasks-vision.',
    license: 'Apache-2.0',
    author: 'Google (model); metadata added at build time',
    inputTensorName: input.name,
    outputTensorNames: summary.outputs.map((o) => o.name),
    mean: [127.5],
    std: [127.5],
    colorSpace: 'RGB',
  });
  return attachModelMetadata(model, metadata);
}

// ---- The build step ----

export interface FaceAssetsPaths {
  sourceDir: string;
  wasmDir: string;
  modelsOut: string;
  visionOut: string;
  /** Files whose change must rebuild the models (this script). */
  buildInputs: string[];
}

export const DEFAULT_PATHS: FaceAssetsPaths = {
  sourceDir: join(ROOT, 'node_modules/@mediapipe/face_detection'),
  wasmDir: join(ROOT, 'node_modules/@mediapipe/tasks-vision/wasm'),
  modelsOut: join(ROOT, 'public/models'),
  visionOut: join(ROOT, 'public/vision'),
  buildInputs: [fileURLToPath(import.meta.url)],
};

export const FACE_MODELS = [
  { source: 'face_detection_short_range.tflite', output: 'face_short.tflite', name: 'BlazeFace short range' },
  { source: 'face_detection_full_range.tflite', output: 'face_full.tflite', name: 'BlazeFace full range' },
] as const;

function isUpToDate(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return false;
  const builtAt = statSync(output).mtimeMs;
  return inputs.every((input) => statSync(input).mtimeMs <= builtAt);
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/** Builds what is missing or stale; returns the files it wrote. */
export function buildFaceAssets(paths: FaceAssetsPaths = DEFAULT_PATHS): string[] {
  const written: string[] = [];
  mkdirSync(paths.modelsOut, { recursive: true });
  mkdirSync(paths.visionOut, { recursive: true });
  for (const model of FACE_MODELS) {
    const source = join(paths.sourceDir, model.source);
    if (!existsSync(source)) throw new Error(`${source} is missing: install the dev dependency @mediapipe/face_detection`);
    const output = join(paths.modelsOut, model.output);
    if (isUpToDate(output, [source, ...paths.buildInputs])) continue;
    writeAtomically(output, addFaceDetectorMetadata(new Uint8Array(readFileSync(source)), model.name));
    written.push(output);
  }
  for (const file of readdirSync(paths.wasmDir)) {
    const source = join(paths.wasmDir, file);
    const output = join(paths.visionOut, file);
    if (existsSync(output) && statSync(output).size === statSync(source).size && isUpToDate(output, [source])) continue;
    const temporary = `${output}.${process.pid}.tmp`;
    copyFileSync(source, temporary);
    renameSync(temporary, output);
    written.push(output);
  }
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = performance.now();
  const written = buildFaceAssets();
  const took = Math.round(performance.now() - started);
  console.log(written.length === 0 ? `face assets up to date (${took} ms)` : `face assets: wrote ${written.length} file(s) in ${took} ms`);
}
