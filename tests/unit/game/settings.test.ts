import type { AppCheck } from 'firebase/app-check';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/plugin/game/settings.ts';

describe('resolveSettings', () => {
  it('plays the demo on the emulator by default', () => {
    expect(resolveSettings({}).live).toEqual({ backend: 'emulator' });
  });

  it('defaults to an open microphone with barge-in and a greeting', () => {
    const s = resolveSettings({});
    expect(s.mode).toBe('open-mic');
    expect(s.bargeIn).toBe(true);
    expect(s.greet).toBe(true);
  });

  it('measures the echo by default', () => {
    expect(resolveSettings({}).echo).toEqual({ mode: 'auto' });
  });

  it('reads halfDuplex as the half-duplex echo mode', () => {
    expect(resolveSettings({ halfDuplex: true }).echo).toEqual({ mode: 'half-duplex' });
  });

  it('lets an explicit echo mode win over halfDuplex', () => {
    expect(resolveSettings({ halfDuplex: true, echo: 'off' }).echo).toEqual({ mode: 'off' });
  });

  it('keeps echo options as given', () => {
    expect(resolveSettings({ echo: { mode: 'auto', hangoverMs: 250 } }).echo).toEqual({ mode: 'auto', hangoverMs: 250 });
  });

  it('leaves auto talk and early connect off by default', () => {
    const s = resolveSettings({});
    expect(s.autoTalk).toBe(false);
    expect(s.earlyConnect).toBe(false);
  });

  it('connects early with auto talk unless told not to', () => {
    expect(resolveSettings({ autoTalk: true }).earlyConnect).toBe(true);
    expect(resolveSettings({ autoTalk: true, earlyConnect: false }).earlyConnect).toBe(false);
    expect(resolveSettings({ earlyConnect: true }).earlyConnect).toBe(true);
  });

  it('talks within 96 world units, continues on blur, at full volume', () => {
    const s = resolveSettings({});
    expect(s.talkRadius).toBe(96);
    expect(s.onBlur).toBe('continue');
    expect(s.npcVolume).toBe(1);
  });

  it('ducks and places voices by default, and turns either off with false', () => {
    expect(resolveSettings({}).ducking).toEqual({});
    expect(resolveSettings({}).spatial).toEqual({});
    expect(resolveSettings({ ducking: false, spatial: false })).toMatchObject({ ducking: false, spatial: false });
  });

  it('opens the default microphone unless microphone is false', () => {
    expect(resolveSettings({}).microphone).toEqual({});
    expect(resolveSettings({ microphone: false }).microphone).toBe(false);
    expect(resolveSettings({ microphone: { deviceId: 'usb' } }).microphone).toEqual({ deviceId: 'usb' });
  });

  it('keeps sight off by default', () => {
    expect(resolveSettings({}).sight).toBe(false);
    expect(resolveSettings({ sight: false }).sight).toBe(false);
  });

  it('gives sight 1 fps of the canvas, a 384 px square and quality 0.6 by default', () => {
    expect(resolveSettings({ sight: {} }).sight).toEqual({ fps: 1, region: 'canvas', size: 384, quality: 0.6 });
  });

  it('clamps sight to 0.1..2 fps', () => {
    expect(resolveSettings({ sight: { fps: 30 } }).sight).toMatchObject({ fps: 2 });
    expect(resolveSettings({ sight: { fps: 0.01 } }).sight).toMatchObject({ fps: 0.1 });
    expect(resolveSettings({ sight: { fps: 0.5 } }).sight).toMatchObject({ fps: 0.5 });
  });

  it('keeps the sight options it is given', () => {
    expect(resolveSettings({ sight: { region: 'npc', size: 200, quality: 0.9 } }).sight).toEqual({
      fps: 1,
      region: 'npc',
      size: 200,
      quality: 0.9,
    });
  });

  it('uses lip-sync defaults unless options are given', () => {
    expect(resolveSettings({}).lipSync).toEqual({});
  });

  it('passes on only the live model options the config sets', () => {
    const live = resolveSettings({
      backend: 'vertexAI',
      model: 'm',
      location: 'europe-west4',
      emulatorUrl: 'http://localhost:1',
      connectTimeoutMs: 0,
      talkRadius: 50,
    }).live;
    expect(live).toEqual({
      backend: 'vertexAI',
      model: 'm',
      location: 'europe-west4',
      emulatorUrl: 'http://localhost:1',
      connectTimeoutMs: 0,
    });
    expect(Object.keys(resolveSettings({ backend: 'googleAI' }).live)).toEqual(['backend']);
  });

  it('passes on the App Check instance and the relay URL', () => {
    const appCheck = { app: {} } as unknown as AppCheck;
    const live = resolveSettings({ backend: 'googleAI', appCheck, relayUrl: 'https://relay.example' }).live;
    expect(live.appCheck).toBe(appCheck);
    expect(live.relayUrl).toBe('https://relay.example');
  });
});
