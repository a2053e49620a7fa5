import type { SampleSource } from '../audio/capture/chunker.js';
import type { PairedSource } from '../audio/capture/mic-uplink.js';
import { Microphone, type MicrophoneClip } from '../audio/capture/microphone.js';
import type { GameMixer } from '../audio/mix/game-mixer.js';
import { VoiceBus } from '../audio/mix/voice-bus.js';
import { StreamingVoiceSource } from '../audio/playback/streaming-voice-source.js';
import type { ControllableVoice } from '../audio/playback/voice-floor.js';
import type { Subscription } from '../events.js';
import type { MicrophoneChoice, NpcVoiceSettings } from './settings.js';

/** The NPC's voice as a conversation uses it (a {@link StreamingVoiceSource}). */
export type VoicePart = ControllableVoice & Pick<StreamingVoiceSource, 'level' | 'underruns' | 'playedFrames' | 'transport' | 'destroy'>;

/** The voice's way into the game's mix (a {@link VoiceBus}). */
export type BusPart = Pick<VoiceBus, 'output' | 'setOffset' | 'destroy'>;

/** The microphone as a conversation uses it (a {@link MicrophoneClip}). */
export type MicPart = PairedSource &
  SampleSource &
  Pick<
    MicrophoneClip,
    'hasReference' | 'hasRaw' | 'settings' | 'isRecording' | 'connectReference' | 'connectOutput' | 'skipUnread' | 'destroy'
  > & {
    on(event: 'ended', handler: (e: { readonly reason: 'stopped' | 'track-ended' }) => void): Subscription;
  };

/** Where a conversation gets its sound: the game's Web Audio, or fakes in tests. */
export interface ConversationAudio {
  /** The NPC's voice, routed into the game's mix. */
  createVoice(): Promise<{ voice: VoicePart; bus: BusPart }>;
  /**
   * Opens the microphone; with `reference`, what the NPC plays is recorded beside it (for the echo
   * guard), and with `raw` too, the microphone before the browser's processing (for the guard's `EchoEnvelope`).
   */
  openMicrophone(choice: MicrophoneChoice, reference: boolean, raw?: boolean): Promise<MicPart>;
  /** The game's whole output, what the speakers play (the `EchoEnvelope`'s reference). */
  gameOutput(): AudioNode;
}

/** The game's Web Audio: voices through the mixer (so master volume and mute apply), the real microphone. */
export function webAudio(context: AudioContext, mixer: () => GameMixer, settings: NpcVoiceSettings): ConversationAudio {
  return {
    async createVoice() {
      const input = mixer().voiceInput;
      const voice = await StreamingVoiceSource.create(context);
      const bus = new VoiceBus(context, input, { volume: settings.npcVolume, spatial: settings.spatial });
      voice.connect(bus.input);
      return { voice, bus };
    },
    openMicrophone(choice, reference, raw = false) {
      return Microphone.start({
        audioContext: context,
        reference,
        raw,
        ...(choice.deviceId ? { deviceId: choice.deviceId } : {}),
        ...(choice.constraints ? { constraints: choice.constraints } : {}),
      });
    },
    gameOutput() {
      return mixer().output;
    },
  };
}
