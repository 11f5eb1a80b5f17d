/**
 * The real face detector (tasks-vision wasm + our built models) in headless
 * Chromium, on every fixture photo and on a fake camera, all from one loopback
 * origin under a CSP that allows no other connection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PHOTOS, FIXTURES_DIR, measureAccuracy, offOriginRequests, openFacePage, startFacePageServer, tryOffOriginFetch, type AccuracyRow, type FacePage, type FacePageServer } from '../support/face-harness';
import { DEFAULT_PROCTORING_POLICY } from '../../client/proctoring/face-monitor';
import { decodePhoto, imageToY4m, inFrontOf, writePhotoAsY4m, type RgbaImage } from '../support/y4m';

let server: FacePageServer;
let scratch: string;

beforeAll(async () => {
  server = await startFacePageServer();
  scratch = mkdtempSync(join(tmpdir(), 'face-camera-'));
});

afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('face detection on the fixture photos', () => {
  let facePage: FacePage;
  let rows: AccuracyRow[];

  beforeAll(async () => {
    facePage = await openFacePage(server.origin);
    rows = await measureAccuracy(facePage.page);
    console.table(rows);
  });

  afterAll(async () => {
    await facePage?.close();
  });

  const row = (photo: string) => rows.find((r) => r.photo === photo)!;

  it('covers every photo in the fixtures', () => {
    expect(rows.map((r) => r.photo)).toEqual(FIXTURE_PHOTOS.map((p) => p.file));
  });

  it.each(['astronaut.png', 'portrait_227943776_1.jpg', 'portrait_230501201_1.jpg'])('finds exactly one face in %s with short range', (photo) => {
    expect(row(photo).short).toBe(1);
  });

  it.each(['blank.png', 'chelsea_cat.png', 'coffee.png'])('finds no face in %s with either model', (photo) => {
    expect(row(photo)).toMatchObject({ short: 0, full: 0 });
  });

  it.each(['example_3faces.jpg', 'facereg_4faces.jpg', 'collage_3faces.png'])('sees several people in %s with either model', (photo) => {
    expect(row(photo).short).toBeGreaterThanOrEqual(2);
    expect(row(photo).full).toBeGreaterThanOrEqual(2);
  });

  it('finds the small, distant face in messi5.jpg with full range', () => {
    expect(row('messi5.jpg').full).toBe(1);
  });

  it('estimates a near-frontal yaw for the astronaut, who looks at the camera', async () => {
    const found = await facePage.page.evaluate(() => window.faceHarness.countFaces('short', '/fixtures/astronaut.png'));
    expect(found.yaws).toHaveLength(1);
    expect(Math.abs(found.yaws[0]!)).toBeLessThan(10);
  });

  it('estimates from the six keypoints which way a head is turned, and by about how much', async () => {
    // This portrait's head is turned a little to one side; in its mirror image, by as much to the other.
    const url = '/fixtures/portrait_230501201_1.jpg';
    const [turned, mirrored] = await Promise.all([false, true].map((isMirrored) => facePage.page.evaluate(([u, m]) => window.faceHarness.countFaces('short', u, { isMirrored: m }), [url, isMirrored] as const)));
    const yaw = turned!.yaws[0]!;
    expect(Math.abs(yaw)).toBeGreaterThan(10);
    expect(Math.sign(mirrored!.yaws[0]!)).toBe(-Math.sign(yaw));
    expect(Math.abs(mirrored!.yaws[0]! + yaw)).toBeLessThan(6);
  });

  it('refuses, by its CSP, a connection to any other origin (what stops a library telemetry)', async () => {
    expect(await tryOffOriginFetch(facePage.page)).toEqual({ isRefused: true, violatedDirective: 'connect-src' });
  });

  it('loaded everything from its own origin and asked nothing of any other', () => {
    expect(facePage.requests.some((url) => url.endsWith('/models/face_short.tflite'))).toBe(true);
    expect(facePage.requests.some((url) => url.includes('/vision/vision_wasm'))).toBe(true);
    expect(offOriginRequests(facePage.requests, server.origin)).toEqual([]);
  });
});

describe('face monitor and identity photo on a camera', () => {
  /** Runs `body` on a page whose camera shows a fixture photo, or a scene made of them. */
  async function onCamera<T>(photo: string | { name: string; image: RgbaImage }, body: (facePage: FacePage) => Promise<T>, brightness?: number): Promise<T> {
    const name = typeof photo === 'string' ? photo : photo.name;
    const cameraFile = join(scratch, `${name}-${brightness ?? 1}.y4m`);
    if (typeof photo === 'string') writePhotoAsY4m(join(FIXTURES_DIR, photo), cameraFile, { width: 640, height: 480, brightness });
    else writeFileSync(cameraFile, imageToY4m(photo.image, 640, 480));
    const facePage = await openFacePage(server.origin, { cameraFile });
    try {
      return await body(facePage);
    } finally {
      expect(offOriginRequests(facePage.requests, server.origin)).toEqual([]);
      await facePage.close();
    }
  }

  it('sees the one candidate on the camera, in the page and in the face workers, and raises nothing', async () => {
    await onCamera('astronaut.png', async (facePage) => {
      const frame = await facePage.page.evaluate(() => window.faceHarness.cameraFrame('short'));
      expect(frame).toMatchObject({ count: 1, width: 640, height: 480 });
      expect(frame.luma).toBeGreaterThan(40);
      const run = await facePage.page.evaluate(() => window.faceHarness.runMonitor(2500, 'worker'));
      expect(run.errors).toEqual([]);
      expect(run.samples).toBeGreaterThanOrEqual(3);
      expect(run.faceCounts.every((count) => count === 1)).toBe(true);
      expect(run.signals).toEqual([]);
      // The workers fetched the ES-module build of the runtime, from this origin too, and their CSP refuses any other.
      expect(facePage.requests.some((url) => url.endsWith('/vision/vision_wasm_module_internal.wasm'))).toBe(true);
      const workers = facePage.page.workers();
      expect(workers.length).toBeGreaterThanOrEqual(2);
      for (const worker of workers) expect((await tryOffOriginFetch(worker)).isRefused).toBe(true);
      const thumbnail = await facePage.page.evaluate(() => window.faceHarness.thumbnail());
      expect(thumbnail).toMatchObject({ type: 'image/jpeg', width: 160, height: 120 });
      expect(thumbnail.bytes).toBeGreaterThan(500);
      expect(thumbnail.bytes).toBeLessThan(20_000);
      // The astronaut stands back from the camera: too small for an identity photo.
      expect(await facePage.page.evaluate(() => window.faceHarness.identityCheck())).toMatchObject({ isAccepted: false, hint: 'come-closer' });
    });
  });

  it('raises no-face when the seat in front of the camera stays empty', async () => {
    await onCamera('blank.png', async (facePage) => {
      const run = await facePage.page.evaluate(() => window.faceHarness.runMonitor(4500, 'worker'));
      expect(run.errors).toEqual([]);
      expect(run.faceCounts.every((count) => count === 0)).toBe(true);
      expect(run.signals.map((s) => `${s.kind}:${s.phase}`)).toEqual(['no-face:start']);
      expect(await facePage.page.evaluate(() => window.faceHarness.identityCheck())).toMatchObject({ isAccepted: false, hint: 'no-face' });
    });
  });

  it('finds a candidate sitting far back with the full-range samples, and does not call the seat empty', async () => {
    await onCamera('messi5.jpg', async (facePage) => {
      const run = await facePage.page.evaluate(() => window.faceHarness.runMonitor(4500, 'worker'));
      expect(run.errors).toEqual([]);
      const fullRangeCounts = run.faceCounts.filter((_, i) => run.models[i] === 'full');
      expect(fullRangeCounts.length).toBeGreaterThanOrEqual(2);
      expect(fullRangeCounts.every((count) => count === 1)).toBe(true);
      expect(run.signals).toEqual([]);
    });
  });

  it('catches a second person far back in the room, whom only the full-range samples see', async () => {
    // The candidate close to the camera, and behind them the room of messi5.jpg with its one distant face.
    const room = decodePhoto(join(FIXTURES_DIR, 'messi5.jpg'));
    const image = inFrontOf(decodePhoto(join(FIXTURES_DIR, 'portrait_227943776_1.jpg')), room, { left: 0, height: 300 });
    await onCamera({ name: 'candidate-before-room', image }, async (facePage) => {
      const run = await facePage.page.evaluate(() => window.faceHarness.runMonitor(4500, 'worker'));
      expect(run.errors).toEqual([]);
      const counts = (model: string) => run.faceCounts.filter((_, i) => run.models[i] === model);
      expect(counts('short').length).toBeGreaterThanOrEqual(3);
      expect(counts('short').every((count) => count === 1)).toBe(true);
      expect(counts('full').length).toBeGreaterThanOrEqual(2);
      expect(counts('full').every((count) => count === 2)).toBe(true);
      expect(run.signals.map((s) => `${s.kind}:${s.phase}`)).toEqual(['multiple-faces:start']);
    });
  });

  it('raises camera-dark, not no-face, when the lights go out', async () => {
    await onCamera(
      'portrait_227943776_1.jpg',
      async (facePage) => {
        const run = await facePage.page.evaluate(() => window.faceHarness.runMonitor(3500, 'worker'));
        expect(run.errors).toEqual([]);
        expect(run.signals.map((s) => `${s.kind}:${s.phase}`)).toEqual(['camera-dark:start']);
        expect(await facePage.page.evaluate(() => window.faceHarness.identityCheck())).toMatchObject({ isAccepted: false, hint: 'more-light' });
      },
      0.1,
    );
  });

  it('raises head-turned once the yaw passes the policy limit for the policy time, and not under a looser limit', async () => {
    const strict = { ...DEFAULT_PROCTORING_POLICY, headTurned: { ...DEFAULT_PROCTORING_POLICY.headTurned, startAfterMs: 1000, maxYawDegrees: 10, releaseYawDegrees: 5 } };
    await onCamera('portrait_230501201_1.jpg', async (facePage) => {
      const loose = await facePage.page.evaluate(() => window.faceHarness.runMonitor(2500, 'worker'));
      expect(loose.errors).toEqual([]);
      expect(loose.signals).toEqual([]);
      const run = await facePage.page.evaluate((policy) => window.faceHarness.runMonitor(2500, 'worker', policy), strict);
      expect(run.errors).toEqual([]);
      expect(run.signals.map((s) => `${s.kind}:${s.phase}`)).toEqual(['head-turned:start']);
    });
  });

  it.each([
    ['portrait_227943776_1.jpg', { isAccepted: true, hint: null, faces: 1 }],
    ['collage_3faces.png', { isAccepted: false, hint: 'several-people' }],
  ])('judges %s as an identity photo', async (photo, verdict) => {
    await onCamera(photo, async (facePage) => {
      expect(await facePage.page.evaluate(() => window.faceHarness.identityCheck())).toMatchObject(verdict);
    });
  });
});
