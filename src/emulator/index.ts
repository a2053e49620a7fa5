// The public surface of the `phaser-npc-voice-emulator` package (built by `npm run build:emulator`):
// the Vite plugin, the standalone server and the types they take and return.
export type { AppCheckVerifier, MintOptions } from './app-check.js';
export type { TurnTiming } from './model-turn.js';
export { createEmulator, type Emulator, type EmulatorOptions, type RunningEmulator, startEmulator } from './server.js';
export type { EmulatorStats } from './stats.js';
export { npcVoiceEmulator } from './vite-plugin.js';
