import './style.css';
import * as Phaser from 'phaser';
import { NpcVoicePlugin } from '../plugin/index.ts';
import { Ambience } from './audio/ambience.ts';
import { availableBackends } from './backend.ts';
import { DebugOverlay } from './ui/debug-overlay.ts';
import { byId } from './ui/dom.ts';
import { Hud } from './ui/hud.ts';
import { Screens } from './ui/screens.ts';
import { type DemoSettings, loadSettings, SettingsPanel } from './ui/settings.ts';
import { TranscriptPanel } from './ui/transcript.ts';
import { type SceneServices, VillageScene } from './world/village-scene.ts';

const backends = availableBackends();
let settings: DemoSettings = loadSettings(backends);
let scene: VillageScene | null = null;
let ambience: Ambience | null = null;

const hud = new Hud(
  (text) => {
    const s = scene;
    if (!s) return;
    const c = s.npcVoice.conversation;
    if (c && !['ended', 'error'].includes(c.state)) c.sendText(text);
    else s.talkToNearest().then(() => s.npcVoice.conversation?.sendText(text));
  },
  (typing) => scene?.setTyping(typing),
);
const transcript = new TranscriptPanel();
const debug = new DebugOverlay();
const settingsPanel = new SettingsPanel(settings, backends, (next) => {
  const restart =
    next.backend !== settings.backend ||
    next.mode !== settings.mode ||
    next.micDeviceId !== settings.micDeviceId ||
    next.talk !== settings.talk;
  settings = next;
  ambience?.setMusicVolume(next.musicVolume);
  if (restart && scene) {
    void scene.npcVoice.endConversation().then(() => scene?.scene.restart(services));
  }
});

const services: SceneServices = {
  hud,
  transcript,
  debug,
  settings: () => settings,
  ambience: (s) => {
    scene = s;
    ambience ??= new Ambience(s.npcVoice, settings.musicVolume);
    return ambience;
  },
};

async function main(): Promise<void> {
  // A browser without what voices need (AudioWorklet, WebSocket) hears so from the plugin's typed
  // `unsupported` error when the player first talks (VillageScene.onError shows it).
  await Screens.start();
  const game = new Phaser.Game({
    type: Phaser.AUTO,
    parent: 'game',
    backgroundColor: '#181425',
    pixelArt: true,
    scale: { mode: Phaser.Scale.RESIZE },
    physics: { default: 'arcade', arcade: { debug: false } },
    audio: { context: new AudioContext({ latencyHint: 'interactive' }) },
    plugins: { scene: [{ key: 'NpcVoice', plugin: NpcVoicePlugin, mapping: 'npcVoice' }] },
    scene: [],
  });
  game.scene.add('village', VillageScene, true, services);
  transcript.note('Welcome to Oakvale. Edda guards the north gate, Mira keeps the market stall, and old Maelis sits by the pond.');
  byId('settings-button').hidden = false;
  // For tests and the curious: the game and a few read-outs.
  Object.assign(window, {
    oakvale: {
      game,
      scene: () => scene,
      settings: () => settings,
      openSettings: () => settingsPanel.open(),
      /** Page coordinates of a world point (for tests that tap on things). */
      screenOf: (x: number, y: number) => {
        const cam = scene?.cameras.main;
        const canvas = game.canvas.getBoundingClientRect();
        if (!cam) return null;
        const sx = (x - cam.worldView.x) * cam.zoom * (canvas.width / game.canvas.width);
        const sy = (y - cam.worldView.y) * cam.zoom * (canvas.height / game.canvas.height);
        return { x: canvas.left + sx, y: canvas.top + sy };
      },
    },
  });
}

void main();
