/**
 * Turns a fixture photo into a one-frame Y4M video (YUV 4:2:0), which Chromium
 * plays in a loop as its fake camera (`--use-file-for-fake-video-capture`), so
 * a test sees a still camera showing that photo.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface RgbaImage {
  width: number;
  height: number;
  /** 4 bytes a pixel, row by row. */
  data: Uint8Array;
}

/** Decodes a PNG or JPEG file to RGBA. */
export function decodePhoto(path: string): RgbaImage {
  const bytes = readFileSync(path);
  const type = extname(path).toLowerCase();
  if (type === '.png') {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
  }
  if (type === '.jpg' || type === '.jpeg') {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: decoded.width, height: decoded.height, data: decoded.data };
  }
  throw new Error(`cannot decode ${path}: only PNG and JPEG`);
}

/**
 * Scales the image to fit `width`×`height` keeping its aspect ratio, centred on
 * black. Each output pixel averages the source pixels it covers (box filter).
 */
export function letterbox(image: RgbaImage, width: number, height: number): RgbaImage {
  const out = new Uint8Array(width * height * 4);
  const scale = Math.min(width / image.width, height / image.height);
  const drawnWidth = Math.round(image.width * scale);
  const drawnHeight = Math.round(image.height * scale);
  const left = Math.floor((width - drawnWidth) / 2);
  const top = Math.floor((height - drawnHeight) / 2);
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  for (let y = 0; y < drawnHeight; y++) {
    const sy0 = Math.floor((y * image.height) / drawnHeight);
    const sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * image.height) / drawnHeight));
    for (let x = 0; x < drawnWidth; x++) {
      const sx0 = Math.floor((x * image.width) / drawnWidth);
      const sx1 = Math.max(sx0 + 1, Math.floor(((x + 1) * image.width) / drawnWidth));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const i = (sy * image.width + sx) * 4;
          r += image.data[i]!;
          g += image.data[i + 1]!;
          b += image.data[i + 2]!;
        }
      }
      const n = (sy1 - sy0) * (sx1 - sx0);
      const o = ((top + y) * width + left + x) * 4;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
    }
  }
  return { width, height, data: out };
}

/** BT.601 limited-range planes, chroma averaged over each 2×2 block. Width and height must be even. */
export function rgbaToI420(image: RgbaImage): { y: Uint8Array; u: Uint8Array; v: Uint8Array } {
  const { width, height, data } = image;
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error('4:2:0 needs an even width and height');
  const y = new Uint8Array(width * height);
  const u = new Uint8Array((width / 2) * (height / 2));
  const v = new Uint8Array(u.length);
  const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 4;
      y[row * width + col] = clamp(16 + 0.257 * data[i]! + 0.504 * data[i + 1]! + 0.098 * data[i + 2]!);
    }
  }
  for (let row = 0; row < height; row += 2) {
    for (let col = 0; col < width; col += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
        const i = ((row + dy) * width + col + dx) * 4;
        r += data[i]! / 4;
        g += data[i + 1]! / 4;
        b += data[i + 2]! / 4;
      }
      const c = (row / 2) * (width / 2) + col / 2;
      u[c] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      v[c] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return { y, u, v };
}

/**
 * `front` scaled to `height` pixels high and laid over `background` (letterboxed to
 * `width`×`height` first) with its left edge at `left`: a candidate in front of a room.
 */
export function inFrontOf(front: RgbaImage, background: RgbaImage, options: { left: number; height: number; width?: number; frameHeight?: number }): RgbaImage {
  const frame = letterbox(background, options.width ?? 640, options.frameHeight ?? 480);
  const scaledWidth = Math.round((front.width * options.height) / front.height);
  const person = letterbox(front, scaledWidth, options.height);
  const top = frame.height - person.height;
  for (let y = 0; y < person.height; y++) {
    for (let x = 0; x < person.width; x++) {
      const fx = options.left + x;
      if (fx < 0 || fx >= frame.width) continue;
      const o = ((top + y) * frame.width + fx) * 4;
      const i = (y * person.width + x) * 4;
      frame.data.set(person.data.subarray(i, i + 4), o);
    }
  }
  return frame;
}

/** The image with every channel scaled by `factor` (0.1 = a room with the lights off). */
export function dim(image: RgbaImage, factor: number): RgbaImage {
  const data = image.data.map((value, i) => (i % 4 === 3 ? value : Math.min(255, Math.round(value * factor))));
  return { ...image, data };
}

/** A one-frame Y4M file of `image` letterboxed to `width`×`height`. */
export function imageToY4m(image: RgbaImage, width = 640, height = 480): Buffer {
  const { y, u, v } = rgbaToI420(letterbox(image, width, height));
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`, 'ascii');
  return Buffer.concat([header, y, u, v]);
}

/** Writes `photoPath` as a one-frame Y4M file at `outPath`, optionally dimmed by `brightness` (0..1). */
export function writePhotoAsY4m(photoPath: string, outPath: string, options: { width?: number; height?: number; brightness?: number } = {}): void {
  const photo = decodePhoto(photoPath);
  const image = options.brightness === undefined ? photo : dim(photo, options.brightness);
  writeFileSync(outPath, imageToY4m(image, options.width ?? 640, options.height ?? 480));
}

/**
 * Writes a Y4M "film" at one frame a second: each photo held for its seconds, in order.
 * Chromium's fake camera loops the file, so `[[face, 6], [blank, 30]]` shows a face for
 * 6 s, then 30 s of an empty chair, then the face again.
 */
export function writeFilmAsY4m(segments: ReadonlyArray<readonly [photoPath: string, seconds: number]>, outPath: string, width = 640, height = 480): void {
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F1:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const parts: Buffer[] = [header];
  for (const [photoPath, seconds] of segments) {
    const { y, u, v } = rgbaToI420(letterbox(decodePhoto(photoPath), width, height));
    const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), y, u, v]);
    for (let i = 0; i < seconds; i++) parts.push(frame);
  }
  writeFileSync(outPath, Buffer.concat(parts));
}
