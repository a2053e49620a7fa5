import { Howl, Howler } from 'howler';
import gateUrl from '../../../assets/audio/gate.wav';
import itemUrl from '../../../assets/audio/item.wav';
import step1Url from '../../../assets/audio/step-1.wav';
import step2Url from '../../../assets/audio/step-2.wav';
import talkUrl from '../../../assets/audio/talk.wav';
import musicUrl from '../../../assets/audio/village-loop.wav';
import type { HowlerLike, NpcVoicePlugin } from '../../plugin/index.ts';

/**
 * Music and effects through Howler, sharing the game's AudioContext via the plugin (so they duck
 * while a villager speaks, and Phaser's master volume and mute apply to them too).
 */
export class Ambience {
  private readonly music: Howl;
  private readonly steps: Howl[];
  private readonly effects: Record<'gate' | 'item' | 'talk', Howl>;
  private step = 0;

  constructor(plugin: NpcVoicePlugin, musicVolume: number) {
    plugin.attachHowler(Howler as unknown as HowlerLike);
    this.music = new Howl({ src: [musicUrl], loop: true, volume: musicVolume });
    this.steps = [step1Url, step2Url].map((src) => new Howl({ src: [src], volume: 0.35 }));
    this.effects = {
      gate: new Howl({ src: [gateUrl], volume: 0.7 }),
      item: new Howl({ src: [itemUrl], volume: 0.6 }),
      talk: new Howl({ src: [talkUrl], volume: 0.4 }),
    };
  }

  startMusic(): void {
    if (!this.music.playing()) this.music.play();
  }

  setMusicVolume(v: number): void {
    this.music.volume(v);
  }

  footstep(): void {
    this.steps[this.step++ % this.steps.length]?.play();
  }

  play(effect: 'gate' | 'item' | 'talk'): void {
    this.effects[effect].play();
  }
}
