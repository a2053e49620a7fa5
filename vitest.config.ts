import './tests/support/node20-polyfills.ts';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Units first, alone: the browser tests render audio in real time and want the CPU.
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'node',
          // Integration tests against a live emulator (sockets, timers, speech workers).
          sequence: { groupOrder: 1 },
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          sequence: { groupOrder: 2 },
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/browser/global-setup.ts'],
          // Real Chromium with real-time audio: one file at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'loop',
          // Headed Chromium on a real PulseAudio speaker → microphone loop (tests/support/acoustic-loop.ts),
          // last: it plays in real time on the same two cores. `npm run test:loop` runs it alone.
          sequence: { groupOrder: 3 },
          include: ['tests/loop/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
