// The throwaway game the package test builds: the README's example, the two subpath entries used
// on their own, then a few checks that the published types are what a game developer relies on.
import { type Conversation, NpcVoiceError, type NpcVoiceEvents, PREBUILT_VOICES } from 'phaser-npc-voice';
import { downsample, isAudioError, recordInto, speakFrom } from './consumer-audio';
import { firstLine, voiceCount } from './consumer-live';
import { everyEventNamed } from './event-names';
import './readme-example';

const voices: readonly string[] = PREBUILT_VOICES;
const onError = (e: NpcVoiceEvents['error']) => (e.error instanceof NpcVoiceError ? e.error.code : 'unknown');
const state = (c: Conversation) =>
  c.state satisfies 'idle' | 'connecting' | 'listening' | 'userSpeaking' | 'thinking' | 'speaking' | 'interrupted' | 'ended' | 'error';
console.log(voices.length, onError, state, everyEventNamed, recordInto, speakFrom, downsample, isAudioError, firstLine, voiceCount);
