/**
 * Tiny listening clips for the demo exam, made in code so the repository carries no
 * binary media: 8 kHz, 8-bit unsigned mono PCM WAV, about 1.5 s, a few voiced
 * "syllables" (a gliding pitch with vowel-like formants under an envelope), different
 * for every clip. A real package carries recorded speech in the same `media` slot.
 */
import { seededRandom } from './random';

/** The clips' format: small enough that 15 of them stay near 250 KB of base64. */
export const CLIP_SAMPLE_RATE = 8000;
export const CLIP_SECONDS = 1.5;
const WAV_HEADER_BYTES = 44;

interface Syllable { startSample: number; lengthSamples: number; pitchHz: number; glide: number; formant1Hz: number; formant2Hz: number }

function planSyllables(label: string, totalSamples: number): Syllable[] {
  const random = seededRandom(`clip:${label}`);
  const count = random.int(3, 5);
  const lengths = Array.from({ length: count }, () => random.int(150, 260));
  const gaps = Array.from({ length: count - 1 }, () => random.int(50, 110));
  const leadMs = 80;
  const spanMs = lengths.reduce((a, b) => a + b, 0) + gaps.reduce((a, b) => a + b, 0);
  // Squeeze the syllables into the clip, leaving a little silence at both ends.
  const scale = Math.min(1, (CLIP_SECONDS * 1000 - 2 * leadMs) / spanMs);
  const basePitch = random.int(110, 230);
  const syllables: Syllable[] = [];
  let atMs = leadMs;
  for (let i = 0; i < count; i++) {
    const lengthMs = (lengths[i] as number) * scale;
    syllables.push({
      startSample: Math.round((atMs * CLIP_SAMPLE_RATE) / 1000),
      lengthSamples: Math.round((lengthMs * CLIP_SAMPLE_RATE) / 1000),
      pitchHz: basePitch * (0.85 + random.next() * 0.3),
      glide: -0.2 + random.next() * 0.35,
      formant1Hz: random.int(300, 800),
      formant2Hz: random.int(900, 2300),
    });
    atMs += lengthMs + (gaps[i] ?? 0) * scale;
  }
  if (syllables.some((s) => s.startSample + s.lengthSamples > totalSamples)) throw new RangeError('clip plan overruns the clip');
  return syllables;
}

function harmonicWeight(frequencyHz: number, syllable: Syllable): number {
  const near = (centre: number, width: number) => Math.exp(-(((frequencyHz - centre) / width) ** 2));
  return 0.15 + near(syllable.formant1Hz, 160) + 0.6 * near(syllable.formant2Hz, 220);
}

function renderSyllable(samples: Float32Array, syllable: Syllable): void {
  const attack = Math.round(0.025 * CLIP_SAMPLE_RATE);
  const release = Math.round(0.06 * CLIP_SAMPLE_RATE);
  // The formant weights change slowly with the glide: refresh them every 10 ms, not every sample.
  const refreshEvery = CLIP_SAMPLE_RATE / 100;
  let weights: number[] = [];
  let phase = 0;
  for (let n = 0; n < syllable.lengthSamples; n++) {
    const progress = n / syllable.lengthSamples;
    const pitch = syllable.pitchHz * (1 + syllable.glide * progress);
    if (n % refreshEvery === 0) {
      weights = [];
      for (let k = 1; k * pitch < CLIP_SAMPLE_RATE / 2 - 300; k++) weights.push(harmonicWeight(k * pitch, syllable) / k);
    }
    phase += (2 * Math.PI * pitch) / CLIP_SAMPLE_RATE;
    let value = 0;
    for (let k = 1; k <= weights.length; k++) value += (weights[k - 1] as number) * Math.sin(k * phase);
    const fadeIn = n < attack ? 0.5 - 0.5 * Math.cos((Math.PI * n) / attack) : 1;
    const tail = syllable.lengthSamples - n;
    const fadeOut = tail < release ? 0.5 - 0.5 * Math.cos((Math.PI * tail) / release) : 1;
    samples[syllable.startSample + n] = (samples[syllable.startSample + n] ?? 0) + value * fadeIn * fadeOut;
  }
}

function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM format chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(CLIP_SAMPLE_RATE, 24);
  header.writeUInt32LE(CLIP_SAMPLE_RATE, 28); // byte rate: 1 byte a sample
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits a sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** A distinct syllable-like WAV clip for `label`; the same label always gives the same bytes. */
export function makeClipWav(label: string): Buffer {
  const totalSamples = Math.round(CLIP_SAMPLE_RATE * CLIP_SECONDS);
  const samples = new Float32Array(totalSamples);
  for (const syllable of planSyllables(label, totalSamples)) renderSyllable(samples, syllable);
  let peak = 0;
  for (const value of samples) peak = Math.max(peak, Math.abs(value));
  const gain = peak > 0 ? 0.8 / peak : 0;
  const pcm = Buffer.alloc(totalSamples);
  for (let n = 0; n < totalSamples; n++) pcm[n] = Math.max(0, Math.min(255, Math.round(128 + 127 * gain * (samples[n] as number))));
  return Buffer.concat([wavHeader(totalSamples), pcm]);
}
