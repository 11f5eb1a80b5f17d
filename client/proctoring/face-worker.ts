/**
 * Web Worker that runs face detection off the main thread, so that no frame
 * analysis can stall the exam page. Each worker runs one model (tasks-vision
 * loads its wasm module once per worker). Speaks FaceWorkerRequest and
 * FaceWorkerReply (see face-detector.ts); drive it with `createFaceWorkerClient`.
 */
import { createFaceDetector, meanLuma, type FaceModel, type FaceWorkerReply, type FaceWorkerRequest, type ProctoringFaceDetector } from './face-detector';

const scope = self as unknown as {
  postMessage(message: FaceWorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FaceWorkerRequest>) => void): void;
};

let detector: ProctoringFaceDetector | null = null;
let model: FaceModel = 'short';
// Luma is read from a tiny copy of the frame: cheap, and plenty for "is the camera dark".
const lumaCanvas = new OffscreenCanvas(32, 24);
const lumaContext = lumaCanvas.getContext('2d', { willReadFrequently: true });

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

scope.addEventListener('message', async ({ data }) => {
  if (data.type === 'init') {
    try {
      model = data.model;
      detector = await createFaceDetector({ model, delegate: 'CPU', assetBase: data.assetBase, minDetectionConfidence: data.minDetectionConfidence });
      scope.postMessage({ type: 'ready' });
    } catch (error) {
      scope.postMessage({ type: 'error', id: null, message: describe(error) });
    }
    return;
  }
  const { id, frame, timestampMs } = data;
  try {
    if (!detector) throw new Error('face worker got a frame before its model loaded');
    const started = performance.now();
    const found = detector.detect(frame, timestampMs);
    let luma = 0;
    if (lumaContext) {
      lumaContext.drawImage(frame, 0, 0, lumaCanvas.width, lumaCanvas.height);
      luma = meanLuma(lumaContext.getImageData(0, 0, lumaCanvas.width, lumaCanvas.height));
    }
    const sample = { ...found, model, luma, frameWidth: frame.width, frameHeight: frame.height, workerMs: performance.now() - started };
    scope.postMessage({ type: 'sample', id, sample });
  } catch (error) {
    scope.postMessage({ type: 'error', id, message: describe(error) });
  } finally {
    frame.close();
  }
});
