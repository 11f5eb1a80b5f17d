/**
 * Web Worker that runs face detection off the main thread, so that no frame
 * analysis can stall the exam page. Each worker runs one model (tasks-vision
 * loads its wasm module once per worker). Speaks FaceWorkerRequest and
 * FaceWorkerReply (see face-detector.ts); drive it with `createFaceWorkerClient`.
 */
import { createFaceDetector, frameSize, meanLuma, type FaceModel, type FaceWorkerReply, type FaceWorkerRequest, type ProctoringFaceDetector } from './face-detector';

const scope = self as unknown as {
  postMessage(message: FaceWorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FaceWorkerRequest>) => void): void;
};

let detector: ProctoringFaceDetector | null = null;
let model: FaceModel = 'short';
let analysisWidth: number | null = null;
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
  let scaled: ImageBitmap | null = null;
  try {
    if (!detector) throw new Error('face worker got a frame before its model loaded');
    const started = performance.now();
    const { width } = frameSize(frame);
    // Scaling once here (keeping the aspect ratio) makes both the detector's upload and the luma read cheaper.
    if (analysisWidth !== null && width > analysisWidth) {
      scaled = await createImageBitmap(frame, { resizeWidth: analysisWidth, resizeQuality: 'low' });
    }
    const image = scaled ?? frame;
    const found = detector.detect(image, timestampMs);
    let luma = 0;
    if (lumaContext) {
      lumaContext.drawImage(image, 0, 0, lumaCanvas.width, lumaCanvas.height);
      luma = meanLuma(lumaContext.getImageData(0, 0, lumaCanvas.width, lumaCanvas.height));
    }
    const analysed = frameSize(image); // the boxes are in its pixels
    const sample = { ...found, model, luma, frameWidth: analysed.width, frameHeight: analysed.height, workerMs: performance.now() - started };
    scope.postMessage({ type: 'sample', id, sample });
  } catch (error) {
    scope.postMessage({ type: 'error', id, message: describe(error) });
  } finally {
    frame.close();
    scaled?.close();
  }
});
