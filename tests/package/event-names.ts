// Every emitter has a name constant for each of its events: a type error on a line below names
// the constant that misses an event of its map.
import type { ConversationEvent, ConversationEvents, NpcVoiceEvent, NpcVoiceEvents } from 'phaser-npc-voice';
import type {
  MicrophoneClipEvent,
  MicrophoneClipEvents,
  StreamingVoiceSourceEvent,
  StreamingVoiceSourceEvents,
} from 'phaser-npc-voice/audio';
import type { LiveConnectionEvent, LiveConnectionEvents } from 'phaser-npc-voice/live';

type EveryEventNamed<Events, Names> = [Exclude<keyof Events, Names[keyof Names]>] extends [never] ? true : false;

export const everyEventNamed = [
  true satisfies EveryEventNamed<NpcVoiceEvents, typeof NpcVoiceEvent>,
  true satisfies EveryEventNamed<ConversationEvents, typeof ConversationEvent>,
  true satisfies EveryEventNamed<LiveConnectionEvents, typeof LiveConnectionEvent>,
  true satisfies EveryEventNamed<MicrophoneClipEvents, typeof MicrophoneClipEvent>,
  true satisfies EveryEventNamed<StreamingVoiceSourceEvents, typeof StreamingVoiceSourceEvent>,
] as const;
