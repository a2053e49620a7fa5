// `node --import ./forbid-phaser.mjs …`: a module resolution hook that fails any import of Phaser.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

export async function resolve(specifier, context, next) {
  if (/^phaser($|\/)/.test(specifier)) throw new Error(`Phaser was imported by ${context.parentURL}`);
  return next(specifier, context);
}

if (isMainThread) register(import.meta.url);
