import { defineConfig } from 'vite';

/**
 * The library: three ESM entries in dist/lib — `index.js` (the Phaser plugin), `audio.js` and
 * `live.js` (no Phaser) — sharing their common code as chunks and one AudioWorklet module, emitted
 * as its own file (loaded with `new URL(…, import.meta.url)`, which every modern bundler follows).
 * Phaser and Firebase are peer dependencies: never bundled.
 */
export default defineConfig({
  // Relative base: asset URLs become `new URL('../assets/…', import.meta.url)`, relative to the chunk that loads them.
  base: './',
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: { index: 'src/plugin/index.ts', audio: 'src/plugin/audio.ts', live: 'src/plugin/live.ts' },
      formats: ['es'],
      fileName: (_format, entry) => `${entry}.js`,
    },
    rolldownOptions: {
      external: [/^phaser($|\/)/, /^firebase($|\/)/, /^@firebase\//, '@cfworker/json-schema', 'ws'],
      // Code two entries share goes to chunks/, so the entries are the only files at the top.
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
  worker: { format: 'es' },
});
