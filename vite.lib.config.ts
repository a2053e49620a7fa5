import { defineConfig } from 'vite';

/**
 * The library: `src/plugin` as one ESM bundle in dist/lib, with the AudioWorklet module emitted as
 * its own file (loaded with `new URL(…, import.meta.url)`, which every modern bundler follows).
 * Phaser and Firebase are peer dependencies: never bundled.
 */
export default defineConfig({
  // Relative base: asset URLs become `new URL('assets/…', import.meta.url)`, resolved next to index.js.
  base: './',
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: { entry: 'src/plugin/index.ts', formats: ['es'], fileName: () => 'index.js' },
    rolldownOptions: {
      external: [/^phaser($|\/)/, /^firebase($|\/)/, /^@firebase\//, '@cfworker/json-schema', 'ws'],
    },
  },
  worker: { format: 'es' },
});
