import { describe, expect, it } from 'vitest';
import { CHUNK_SAMPLES, MicChunk } from '../../../../src/plugin/audio/capture/mic-chunk.ts';
import { VoiceActivity } from '../../../../src/plugin/audio/capture/voice-activity.ts';

/** A measured chunk of a 500 Hz sine (16 kHz) of amplitude `a`: 10 whole periods, mean square a²/2. */
function sine(a: number): MicChunk {
  const chunk = new MicChunk();
  for (let i = 0; i < CHUNK_SAMPLES; i++) chunk.samples[i] = a * Math.sin((2 * Math.PI * 500 * i) / 16000);
  return chunk.measure();
}

/** The amplitude of a sine at `db` dBFS (mean square a²/2 = 10^(db/10)). */
function amplitudeAt(db: number): number {
  return Math.sqrt(2 * 10 ** (db / 10));
}

describe('MicChunk', () => {
  it('holds 20 ms at 16 kHz by default', () => {
    expect(new MicChunk().samples.length).toBe(320);
  });

  it('measures a sine of amplitude A as mean square A²/2', () => {
    const chunk = sine(0.5);
    expect(chunk.meanSquare).toBeCloseTo(0.125, 6);
    expect(chunk.level).toBeCloseTo(Math.sqrt(0.125), 6);
    expect(chunk.db).toBeCloseTo(10 * Math.log10(0.125), 6); // −9.03 dBFS
  });

  it('measures a constant as its square', () => {
    const chunk = new MicChunk(new Float32Array(100).fill(-0.25)).measure();
    expect(chunk.meanSquare).toBeCloseTo(0.0625, 9);
    expect(chunk.level).toBeCloseTo(0.25, 9);
  });

  it('reads silence as −120 dB', () => {
    const chunk = new MicChunk().measure();
    expect(chunk.meanSquare).toBe(0);
    expect(chunk.level).toBe(0);
    expect(chunk.db).toBe(-120);
  });

  it('resets its verdict when measured again', () => {
    const chunk = sine(0.5);
    chunk.voiced = true;
    chunk.measure();
    expect(chunk.voiced).toBe(false);
  });

  it('copies samples, level and verdict from another chunk into its own buffer', () => {
    const source = sine(0.3);
    source.voiced = true;
    const copy = new MicChunk();
    const buffer = copy.samples;
    copy.copyFrom(source);
    expect(copy.samples).toBe(buffer);
    expect(Array.from(copy.samples)).toEqual(Array.from(source.samples));
    expect(copy.meanSquare).toBe(source.meanSquare);
    expect(copy.voiced).toBe(true);
  });

  it('turns into silence: zero samples, −120 dB, not voiced', () => {
    const chunk = sine(0.3);
    chunk.voiced = true;
    chunk.silence();
    expect(chunk.samples.every((v) => v === 0)).toBe(true);
    expect(chunk.db).toBe(-120);
    expect(chunk.voiced).toBe(false);
  });
});

describe('VoiceActivity', () => {
  it('hears a voice 12 dB above a steady noise floor, and not the noise', () => {
    const vad = new VoiceActivity({ initialFloorDb: -46 });
    const noise = sine(amplitudeAt(-45));
    for (let i = 0; i < 500; i++) vad.classify(noise);
    expect(noise.voiced).toBe(false);
    expect(vad.noiseFloorDb).toBeCloseTo(-45, 1);
    expect(vad.classify(sine(amplitudeAt(-32)))).toBe(true); // 13 dB above
    expect(vad.classify(sine(amplitudeAt(-34)))).toBe(false); // 11 dB above
  });

  it('marks the chunk it classifies', () => {
    const vad = new VoiceActivity();
    const voice = sine(amplitudeAt(-20));
    const quiet = sine(amplitudeAt(-80));
    vad.classify(voice);
    vad.classify(quiet);
    expect(voice.voiced).toBe(true);
    expect(quiet.voiced).toBe(false);
  });

  it('hears nothing below −50 dBFS, however quiet the room', () => {
    const vad = new VoiceActivity();
    vad.classify(new MicChunk().measure()); // silence: the floor falls to −120
    expect(vad.noiseFloorDb).toBe(-120);
    expect(vad.classify(sine(amplitudeAt(-52)))).toBe(false);
    expect(vad.classify(sine(amplitudeAt(-48)))).toBe(true);
  });

  it('lets the floor fall to a quieter room at once', () => {
    const vad = new VoiceActivity({ initialFloorDb: -40 });
    vad.classify(sine(amplitudeAt(-65)));
    expect(vad.noiseFloorDb).toBeCloseTo(-65, 6);
  });

  it('raises the floor slowly with louder noise', () => {
    const vad = new VoiceActivity(); // floor −70
    const noise = sine(amplitudeAt(-60)); // 10 dB up: below the 12 dB a voice needs
    vad.classify(noise);
    expect(vad.noiseFloorDb).toBeCloseTo(-70 + 10 * 0.02, 6);
    for (let i = 0; i < 20; i++) vad.classify(noise);
    expect(vad.noiseFloorDb).toBeGreaterThan(-70 + 10 * 0.3);
    expect(vad.noiseFloorDb).toBeLessThan(-60 - 10 * 0.5);
  });

  it('hears a voice that goes on for ten seconds without a pause', () => {
    const vad = new VoiceActivity();
    const voice = sine(amplitudeAt(-20));
    for (let i = 0; i < 500; i++) vad.classify(voice);
    expect(voice.voiced).toBe(true);
    expect(vad.noiseFloorDb).toBeCloseTo(-70 + 10 * 2.5, 6); // crept up 2.5 dB a second
  });

  it('stops taking a steady loud noise for a voice within six seconds (a fan switched on)', () => {
    const vad = new VoiceActivity(); // floor −70
    const fan = sine(amplitudeAt(-45)); // 25 dB above the floor, above −50 dBFS
    let voicedChunks = 0;
    for (let i = 0; i < 300; i++) if (vad.classify(fan)) voicedChunks++;
    expect(fan.voiced).toBe(false);
    // 13 dB of creep at 2.5 dB a second: about 5.2 s of it counted as voice, no more.
    expect(voicedChunks).toBeGreaterThan(250);
    expect(voicedChunks).toBeLessThan(270);
  });
});
