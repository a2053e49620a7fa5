// TTS worker thread: runs the eSpeak NG WASM build (an Emscripten build of its command line) off
// the emulator's event loop. Plain JavaScript so it starts the same way under tsx, Vite and Vitest.
// The 18 MB WebAssembly module is compiled once; each request instantiates it (~60 ms a sentence).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import ESpeakNg from 'espeak-ng';

const wasmPath = fileURLToPath(new URL('espeak-ng.wasm', import.meta.resolve('espeak-ng')));
const compiled = WebAssembly.compile(readFileSync(wasmPath));

/** @param {WebAssembly.Imports} imports @param {(i: WebAssembly.Instance, m: WebAssembly.Module) => void} receive */
function instantiateWasm(imports, receive) {
  compiled.then((module) => WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module)));
  return {};
}

/** @param {string[]} args @param {string} text @returns {Promise<Uint8Array>} WAV bytes */
async function speak(args, text) {
  const errors = [];
  // `--` ends the options, so a line that starts with "-" is spoken, not parsed.
  const espeak = await ESpeakNg({
    arguments: [...args, '-w', '/out.wav', '--', text],
    print() {},
    printErr: (line) => errors.push(line),
    instantiateWasm,
  });
  try {
    return new Uint8Array(espeak.FS.readFile('/out.wav'));
  } catch {
    throw new Error(`espeak-ng produced no audio${errors.length ? `: ${errors.join(' ')}` : ''}`);
  }
}

parentPort?.on('message', async (/** @type {{id: number, args: string[], text: string}} */ job) => {
  if (job.id === 0) {
    await compiled;
    parentPort?.postMessage({ id: 0, ready: true });
    return;
  }
  try {
    const wav = await speak(job.args, job.text);
    parentPort?.postMessage({ id: job.id, wav }, [wav.buffer]);
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
