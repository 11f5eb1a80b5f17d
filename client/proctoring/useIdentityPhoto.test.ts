import { afterEach, describe, expect, it } from 'vitest';
import { ProctoringPolicy } from '../../sync/package';
import { DEFAULT_IDENTITY_PHOTO_POLICY, type DetectedFace } from './face-detector';
import { checkTakenIdentityPhoto, identityPhotoMeasurements, rejudgeIdentityPhoto, type IdentityPhotoMeasurements } from './useIdentityPhoto';

const FRAME = { width: 640, height: 480 };

/** A face looking straight at the camera, centred in a 640×480 frame, `width` pixels wide. */
function centredFace(width: number): DetectedFace {
  const height = width * 1.2;
  const box = { x: (FRAME.width - width) / 2, y: (FRAME.height - height) / 2, width, height };
  const r = width / FRAME.width / 2;
  // Nose ahead of the ears' midpoint, ears symmetric: yaw 0.
  const keypoints = [
    { x: 0.5 - 0.6 * r, y: 0.47 },
    { x: 0.5 + 0.6 * r, y: 0.47 },
    { x: 0.5, y: 0.5 },
    { x: 0.5, y: 0.54 },
    { x: 0.5 - r, y: 0.5 },
    { x: 0.5 + r, y: 0.5 },
  ];
  return { box, score: 0.9, keypoints };
}

const photo = (faces: DetectedFace[], luma = 120): IdentityPhotoMeasurements => ({ detection: { faces }, frameSize: FRAME, luma });
/** 140 px of 640 is 22 %: over the default 18 %, under a strict package's 30 %. */
const SMALL_FACE = photo([centredFace(140)]);
const LARGE_FACE = photo([centredFace(260)]);

const packagePolicy = (identityPhoto?: object) => ProctoringPolicy.parse({ isCameraRequired: true, signals: {}, identityPhoto });
const STRICT = packagePolicy({ minFaceWidthRatio: 0.3, minLuma: 80 });

afterEach(() => {
  identityPhotoMeasurements.value = null;
  checkTakenIdentityPhoto(packagePolicy());
});

describe('judging the identity photo again against the package', () => {
  it('accepts a photo under the defaults that a stricter package refuses with "come closer"', () => {
    expect(rejudgeIdentityPhoto(SMALL_FACE, DEFAULT_IDENTITY_PHOTO_POLICY)).toEqual({ isAccepted: true, hint: null });
    identityPhotoMeasurements.value = SMALL_FACE;
    expect(checkTakenIdentityPhoto(STRICT)).toBe('come-closer');
  });

  it('lets a photo that passes both the defaults and the package start', () => {
    expect(rejudgeIdentityPhoto(LARGE_FACE, DEFAULT_IDENTITY_PHOTO_POLICY).isAccepted).toBe(true);
    identityPhotoMeasurements.value = LARGE_FACE;
    expect(checkTakenIdentityPhoto(STRICT)).toBeNull();
  });

  it("gives the package's specific hint: more light, several people", () => {
    identityPhotoMeasurements.value = photo([centredFace(260)], 60);
    expect(checkTakenIdentityPhoto(packagePolicy())).toBeNull();
    expect(checkTakenIdentityPhoto(STRICT)).toBe('more-light');
    identityPhotoMeasurements.value = photo([centredFace(260), centredFace(100)]);
    expect(checkTakenIdentityPhoto(STRICT)).toBe('several-people');
  });

  it('leaves the start to the caller when no photo has been taken', () => {
    expect(checkTakenIdentityPhoto(STRICT)).toBeNull();
  });
});
