/**
 * Web Worker that runs face detection off the main thread, so that no frame
 * analysis can stall the exam page. Each worker runs one model (tasks-vision
 * loads its wasm module once per worker). Speaks FaceWorkerRequest and
 * FaceWorkerReply (see face-detector.ts); drive it with `createFaceWorkerClient`.
 *
 * Per frame it allocates nothing of its own: the camera frame is drawn, scaled
 * to the analysis size, into one canvas kept for the worker's life, which both
 * the detector and the luma read take their pixels from.
 */
import { analysisSize, createFaceDetector, frameSize, meanLuma, type FaceModel, type FaceWorkerReply, type FaceWorkerRequest, type ProctoringFaceDetector } from './face-detector';

const scope = self as unknown as {
  postMessage(message: FaceWorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FaceWorkerRequest>) => void): void;
};

let detector: ProctoringFaceDetector | null = null;
let model: FaceModel = 'short';
let analysisWidth: number | null = null;
/** The frame at the analysis size; resized only when the camera's size changes. */
const analysisCanvas = new OffscreenCanvas(1, 1);
const analysisContext = analysisCanvas.getContext('2d', { alpha: false });
// Luma is read from a tiny copy of the frame: cheap, and plenty for "is the camera dark".
const lumaCanvas = new OffscreenCanvas(32, 24);
const lumaContext = lumaCanvas.getContext('2d', { willReadFrequently: true });

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

scope.addEventListener('message', async ({ data }) => {
  if (data.type === 'init') {
    try {
      model = data.model;
      analysisWidth = data.analysisWidth ?? null;
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
    if (!analysisContext || !lumaContext) throw new Error('face worker has no 2D canvas');
    const started = performance.now();
    const size = analysisSize(frameSize(frame), analysisWidth);
    if (analysisCanvas.width !== size.width || analysisCanvas.height !== size.height) {
      analysisCanvas.width = size.width;
      analysisCanvas.height = size.height;
    }
    // Scaling once here makes both the detector's upload and the luma read cheaper.
    analysisContext.drawImage(frame, 0, 0, size.width, size.height);
    frame.close();
    const detectStarted = performance.now();
    const found = detector.detect(analysisCanvas, timestampMs);
    const detectMs = performance.now() - detectStarted;
    lumaContext.drawImage(analysisCanvas, 0, 0, lumaCanvas.width, lumaCanvas.height);
    const luma = meanLuma(lumaContext.getImageData(0, 0, lumaCanvas.width, lumaCanvas.height));
    // The boxes are in the analysed frame's pixels.
    const sample = { ...found, model, luma, frameWidth: size.width, frameHeight: size.height, workerMs: performance.now() - started, detectMs };
    scope.postMessage({ type: 'sample', id, sample });
  } catch (error) {
    scope.postMessage({ type: 'error', id, message: describe(error) });
  } finally {
    frame.close();
  }
});
