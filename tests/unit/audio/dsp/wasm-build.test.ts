import { describe, expect, it } from 'vitest';
import { assemble } from '../../../../scripts/build-wasm.ts';
import { FIR_WASM } from '../../../../src/plugin/audio/dsp/wasm/fir.generated.ts';

describe('generated WebAssembly', () => {
  it('fir.generated.ts holds exactly what fir.wat assembles to (run `npm run build:wasm` after editing the .wat)', async () => {
    expect(Array.from(FIR_WASM)).toEqual(Array.from(await assemble('fir')));
  });
});
