import { describe, expect, it } from 'vitest';
import { EnergyVad, type VadEvent } from '../../../src/emulator/vad.ts';

const CONFIG = {
  startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH',
  endOfSpeechSensitivity: 'END_SENSITIVITY_UNSPECIFIED',
  prefixPaddingMs: 20,
  silenceDurationMs: 500,
} as const;

/** A voiced-sounding signal: harmonics at `db` dBFS with a syllable envelope. */
function voice(seconds: number, db = -20): Float32Array {
  const out = new Float32Array(Math.round(seconds * 16000));
  const amp = 10 ** (db / 20) * Math.SQRT2;
  for (let i = 0; i < out.length; i++) {
    const t = i / 16000;
    out[i] = amp * (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) * Math.sin(2 * Math.PI * 150 * t);
  }
  return out;
}

function noise(seconds: number, db: number, seed = 1): Float32Array {
  const out = new Float32Array(Math.round(seconds * 16000));
  const amp = 10 ** (db / 20) * Math.sqrt(3);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = amp * ((s / 2 ** 32) * 2 - 1);
  }
  return out;
}

function run(vad: EnergyVad, ...parts: Float32Array[]): VadEvent[] {
  const events: VadEvent[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i += 320) vad.push(p.subarray(i, i + 320), (e) => events.push(e));
  return events;
}

describe('EnergyVad', () => {
  it('finds one turn: start near the speech onset, end one silence window after it', () => {
    const events = run(new EnergyVad(CONFIG), new Float32Array(16000), voice(1.2), new Float32Array(16000));
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
    const [start, end] = events as [VadEvent, Extract<VadEvent, { type: 'speechEnd' }>];
    expect(start.at).toBeGreaterThan(0.95);
    expect(start.at).toBeLessThan(1.03);
    expect(end.at).toBeCloseTo(1 + 1.2 + 0.5, 1);
    expect(end.speech).toBeCloseTo(1.2, 1);
  });

  it('keeps a pause shorter than silenceDurationMs inside the turn', () => {
    const events = run(new EnergyVad(CONFIG), voice(0.6), new Float32Array(0.3 * 16000), voice(0.6), new Float32Array(16000));
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
  });

  it('honours silenceDurationMs', () => {
    const short = run(
      new EnergyVad({ ...CONFIG, silenceDurationMs: 200 }),
      voice(0.6),
      new Float32Array(0.3 * 16000),
      voice(0.6),
      new Float32Array(16000),
    );
    expect(short.filter((e) => e.type === 'speechEnd')).toHaveLength(2);
  });

  it('adapts to steady background noise and still hears speech over it', () => {
    const vad = new EnergyVad(CONFIG);
    const events = run(vad, noise(3, -40), voice(1, -18), noise(1.5, -40, 7));
    expect(vad.noiseFloorDb).toBeGreaterThan(-45);
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
  });

  it('never takes digital silence or faint hiss for speech', () => {
    expect(run(new EnergyVad(CONFIG), new Float32Array(32000), noise(2, -60))).toEqual([]);
  });

  it('low start sensitivity ignores a short click that high sensitivity takes', () => {
    const click = voice(0.05, -10);
    const quiet = new Float32Array(16000);
    expect(run(new EnergyVad(CONFIG), quiet, click, quiet).map((e) => e.type)).toContain('speechStart');
    expect(run(new EnergyVad({ ...CONFIG, startOfSpeechSensitivity: 'START_SENSITIVITY_LOW' }), quiet, click, quiet)).toEqual([]);
  });

  it('flush() ends a turn at once (audioStreamEnd)', () => {
    const vad = new EnergyVad(CONFIG);
    const events = run(vad, voice(0.5));
    vad.flush((e) => events.push(e));
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
  });
});
