// `phaser-npc-voice/live`: a conversation without Phaser — a Live connection to the emulator,
// the NPC's session settings, a silent voice (text only), and the typed errors.
import {
  Conversation,
  ConversationEvent,
  createLiveModel,
  DEFAULT_MODELS,
  LiveConnection,
  LiveConnectionEvent,
  type LiveConnectionEvents,
  LiveError,
  type NpcDefinition,
  NpcVoiceError,
  PREBUILT_VOICES,
  type PrebuiltVoice,
  SilentVoice,
  sessionParamsFor,
  type WebSocketConstructor,
} from 'phaser-npc-voice/live';

const guard: NpcDefinition = {
  id: 'guard',
  name: 'Edda',
  voice: 'Kore' satisfies PrebuiltVoice,
  persona: 'You are Edda, the gate guard.',
  actions: { open_gate: { description: 'Opens the gate.', handler: () => ({ opened: true }) } },
};

/** Talks to the NPC by text; resolves with the first thing the NPC says. */
export async function firstLine(emulatorUrl: string, WebSocket?: WebSocketConstructor): Promise<string> {
  const model = createLiveModel({ backend: 'emulator', emulatorUrl, model: DEFAULT_MODELS.emulator, ...(WebSocket ? { WebSocket } : {}) });
  const live = new LiveConnection({ model, params: sessionParamsFor(guard, { mode: 'open-mic' }) });
  const onState = (e: LiveConnectionEvents['stateChange']) => console.log(e.previous, '→', e.state);
  live.on(LiveConnectionEvent.StateChange, onState);
  const talk = new Conversation({ npc: guard, live, voice: new SilentVoice(), greet: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      talk.on(ConversationEvent.Subtitle, ({ text, final }) => final && resolve(text));
      talk.on(ConversationEvent.Error, ({ error }) => reject(error));
      talk.start().catch(reject);
    });
  } catch (e) {
    if (e instanceof LiveError) throw new Error(`${e.code} (close ${e.closeCode})`);
    throw e instanceof NpcVoiceError ? new Error(e.code) : e;
  } finally {
    await talk.destroy();
    await live.destroy();
  }
}

export const voiceCount: number = PREBUILT_VOICES.length;
