// `npm run assets`: draws the demo's pixel art and synthesises its music and effects into assets/.
// Everything in assets/ is made by this script (the project's own, MIT like the code).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWavPcm16 } from '../src/emulator/tts/wav.ts';
import { gate, items, LOOKS, npcSheet, playerSheet, shrine, stall, tileset, tree } from './assets/art.ts';
import { footstep, gateCreak, itemChime, RATE, talkBlip, villageMusic } from './assets/sound.ts';

const root = join(import.meta.dirname, '..', 'assets');
mkdirSync(join(root, 'sprites'), { recursive: true });
mkdirSync(join(root, 'audio'), { recursive: true });

const images = {
  'sprites/tiles.png': tileset(),
  'sprites/player.png': playerSheet(),
  'sprites/guard.png': npcSheet(LOOKS.guard),
  'sprites/merchant.png': npcSheet(LOOKS.merchant),
  'sprites/sage.png': npcSheet(LOOKS.sage),
  'sprites/tree.png': tree(),
  'sprites/gate.png': gate(),
  'sprites/stall.png': stall(),
  'sprites/shrine.png': shrine(),
  'sprites/items.png': items(),
};
for (const [path, canvas] of Object.entries(images)) canvas.save(join(root, path));

const sounds = {
  'audio/village-loop.wav': villageMusic(),
  'audio/step-1.wav': footstep(1),
  'audio/step-2.wav': footstep(2),
  'audio/gate.wav': gateCreak(),
  'audio/item.wav': itemChime(),
  'audio/talk.wav': talkBlip(),
};
for (const [path, samples] of Object.entries(sounds)) writeFileSync(join(root, path), encodeWavPcm16(samples, RATE));

console.log(`wrote ${Object.keys(images).length} images and ${Object.keys(sounds).length} sounds to assets/`);
