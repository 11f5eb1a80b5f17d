import { describe, expect, it } from 'vitest';
import {
  analysisSize,
  createFaceWorkerClient,
  DEFAULT_IDENTITY_PHOTO_POLICY,
  estimateYaw,
  judgeIdentityPhoto,
  meanLuma,
  type DetectedFace,
  type FaceKeypoint,
  type FaceWorkerPort,
  type FaceWorkerReply,
  type FaceWorkerRequest,
} from './face-detector';

/**
 * Keypoints of a head at (cx, cy) turned by `yaw` degrees, projected
 * orthographically: ears `r` from the axis, eyes and nose further forward.
 */
function headKeypoints(yaw: number, cx = 0.5, cy = 0.5, r = 0.1): FaceKeypoint[] {
  const t = (yaw * Math.PI) / 180;
  const at = (angle: number, radius: number, dy: number) => ({ x: cx + radius * Math.sin(t + angle), y: cy + dy });
  const eye = (30 * Math.PI) / 180;
  return [at(-eye, 1.2 * r, -0.03), at(eye, 1.2 * r, -0.03), at(0, 1.5 * r, 0), at(0, 1.4 * r, 0.04), at(-Math.PI / 2, r, 0), at(Math.PI / 2, r, 0)];
}

function face(box: DetectedFace['box'], yaw = 0): DetectedFace {
  const cx = (box.x + box.width / 2) / 640;
  const cy = (box.y + box.height / 2) / 480;
  return { box, score: 0.9, keypoints: headKeypoints(yaw, cx, cy, box.width / 640 / 2) };
}

describe('estimateYaw', () => {
  it.each([0, 10, -10, 30, -30, 60, -60])('recovers a head turned by %i degrees', (yaw) => {
    expect(estimateYaw(headKeypoints(yaw))).toBeCloseTo(yaw, 5);
  });

  it('does not depend on the face size or position', () => {
    expect(estimateYaw(headKeypoints(25, 0.2, 0.7, 0.03))).toBeCloseTo(25, 5);
  });

  it('gives null without the ear keypoints or for a profile', () => {
    expect(estimateYaw(headKeypoints(10).slice(0, 4))).toBeNull();
    expect(estimateYaw(headKeypoints(95))).toBeNull();
  });
});

describe('analysisSize', () => {
  it('scales a frame down to the analysis width, keeping its aspect ratio', () => {
    expect(analysisSize({ width: 640, height: 480 }, 320)).toEqual({ width: 320, height: 240 });
    expect(analysisSize({ width: 1280, height: 720 }, 320)).toEqual({ width: 320, height: 180 });
  });

  it('never scales a frame up, and keeps it whole without a width', () => {
    expect(analysisSize({ width: 160, height: 120 }, 320)).toEqual({ width: 160, height: 120 });
    expect(analysisSize({ width: 640, height: 480 }, null)).toEqual({ width: 640, height: 480 });
  });
});

describe('meanLuma', () => {
  const frame = (rgb: [number, number, number], pixels = 16) => ({
    width: pixels,
    height: 1,
    data: new Uint8ClampedArray(Array.from({ length: pixels }, () => [...rgb, 255]).flat()),
  });

  it('weights the channels as BT.601 does', () => {
    expect(meanLuma(frame([255, 255, 255]))).toBeCloseTo(255, 5);
    expect(meanLuma(frame([0, 0, 0]))).toBe(0);
    expect(meanLuma(frame([255, 0, 0]))).toBeCloseTo(76.245, 3);
    expect(meanLuma(frame([0, 255, 0]))).toBeCloseTo(149.685, 3);
  });

  it('averages over the frame, also when sampling every n-th pixel', () => {
    const half = { width: 4, height: 1, data: new Uint8ClampedArray([0, 0, 0, 255, 200, 200, 200, 255, 0, 0, 0, 255, 200, 200, 200, 255]) };
    expect(meanLuma(half)).toBeCloseTo(100, 5);
    expect(meanLuma(half, 2)).toBe(0);
  });
});

describe('judgeIdentityPhoto', () => {
  const frame = { width: 640, height: 480 };
  const centred = { x: 220, y: 140, width: 200, height: 200 };
  const judge = (faces: DetectedFace[], luma = 120) => judgeIdentityPhoto({ faces }, frame, luma, DEFAULT_IDENTITY_PHOTO_POLICY);

  it('accepts one large, centred, straight, well-lit face', () => {
    expect(judge([face(centred)])).toEqual({ isAccepted: true, hint: null });
  });

  it.each([
    ['no-face', [], 120],
    ['more-light', [], 10],
    ['several-people', [face(centred), face({ x: 20, y: 20, width: 120, height: 120 })], 120],
    ['more-light', [face(centred)], 10],
    ['come-closer', [face({ x: 290, y: 210, width: 60, height: 60 })], 120],
    ['centre-face', [face({ x: 420, y: 140, width: 200, height: 200 })], 120],
    ['centre-face', [face(centred, 40)], 120],
  ] as const)('asks for %s', (hint, faces, luma) => {
    expect(judge([...faces], luma)).toEqual({ isAccepted: false, hint });
  });

  it('follows the policy passed in', () => {
    const lenient = { ...DEFAULT_IDENTITY_PHOTO_POLICY, minFaceWidthRatio: 0.05 };
    expect(judgeIdentityPhoto({ faces: [face({ x: 290, y: 210, width: 60, height: 60 })] }, frame, 120, lenient).isAccepted).toBe(true);
  });
});

/** A worker stand-in that answers like face-worker.ts: `answer` decides each reply. */
class EchoWorker implements FaceWorkerPort {
  received: FaceWorkerRequest[] = [];
  isTerminated = false;
  private listener: ((event: MessageEvent<FaceWorkerReply>) => void) | null = null;
  private errorListener: ((event: Event) => void) | null = null;
  constructor(private readonly answer: (request: FaceWorkerRequest) => FaceWorkerReply | 'crash' | null) {}
  postMessage(message: FaceWorkerRequest) {
    this.received.push(message);
    const reply = this.answer(message);
    if (reply === 'crash') queueMicrotask(() => this.errorListener?.(new Event('error')));
    else if (reply) queueMicrotask(() => this.listener?.({ data: reply } as MessageEvent<FaceWorkerReply>));
  }
  addEventListener(type: 'message' | 'error', listener: ((event: MessageEvent<FaceWorkerReply>) => void) | ((event: Event) => void)) {
    if (type === 'message') this.listener = listener as (event: MessageEvent<FaceWorkerReply>) => void;
    else this.errorListener = listener as (event: Event) => void;
  }
  terminate() {
    this.isTerminated = true;
  }
}

const bitmap = () => ({ close() {} }) as unknown as ImageBitmap;

describe('createFaceWorkerClient', () => {
  const sampleFor = (init: FaceWorkerRequest | undefined) => (request: FaceWorkerRequest): FaceWorkerReply | null => {
    if (request.type === 'init') return { type: 'ready' };
    const model = init?.type === 'init' ? init.model : 'short';
    return { type: 'sample', id: request.id, sample: { faces: [], model, luma: request.timestampMs, frameWidth: 320, frameHeight: 240, workerMs: 1, detectMs: 1 } };
  };

  it('starts one worker per model and routes each frame to its model', async () => {
    const workers: EchoWorker[] = [];
    const client = await createFaceWorkerClient(() => {
      const worker: EchoWorker = new EchoWorker((request) => sampleFor(worker.received[0])(request));
      workers.push(worker);
      return worker;
    }, { models: ['short', 'full'] });
    expect(workers.map((w) => w.received[0])).toEqual([
      { type: 'init', model: 'short', assetBase: '/', minDetectionConfidence: undefined },
      { type: 'init', model: 'full', assetBase: '/', minDetectionConfidence: undefined },
    ]);
    const [full, short] = await Promise.all([client.detect(bitmap(), 'full', 7), client.detect(bitmap(), 'short', 8)]);
    expect([full.model, full.luma, short.model, short.luma]).toEqual(['full', 7, 'short', 8]);
    client.close();
    expect(workers.every((w) => w.isTerminated)).toBe(true);
  });

  it('fails to start when a worker cannot load its model, and stops the others', async () => {
    const workers: EchoWorker[] = [];
    const start = createFaceWorkerClient(() => {
      const worker = new EchoWorker((request) =>
        request.type === 'init' && request.model === 'full' ? { type: 'error', id: null, message: 'model not found' } : { type: 'ready' },
      );
      workers.push(worker);
      return worker;
    }, { models: ['short', 'full'] });
    await expect(start).rejects.toThrow('model not found');
    expect(workers.every((w) => w.isTerminated)).toBe(true);
  });

  it('fails to start when the worker script itself fails, and rejects frames of a worker that crashes', async () => {
    await expect(createFaceWorkerClient(() => new EchoWorker(() => 'crash'), { models: ['short'] })).rejects.toThrow(/face worker failed/);
    const client = await createFaceWorkerClient(() => new EchoWorker((request) => (request.type === 'init' ? { type: 'ready' } : 'crash')), { models: ['short'] });
    await expect(client.detect(bitmap(), 'short', 1)).rejects.toThrow(/face worker failed/);
  });

  it('rejects a frame the worker could not analyse, and frames still pending at close', async () => {
    let isSilent = false;
    const client = await createFaceWorkerClient(
      () => new EchoWorker((request) => (request.type === 'init' ? { type: 'ready' } : isSilent ? null : { type: 'error', id: request.id, message: 'bad frame' })),
      { models: ['short'] },
    );
    await expect(client.detect(bitmap(), 'short', 1)).rejects.toThrow('bad frame');
    await expect(client.detect(bitmap(), 'full', 2)).rejects.toThrow(/not started/);
    isSilent = true;
    const pending = client.detect(bitmap(), 'short', 3);
    client.close();
    await expect(pending).rejects.toThrow(/closed/);
  });
});
