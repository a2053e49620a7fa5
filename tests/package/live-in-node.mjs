// Node 20 with `ws`: imports `phaser-npc-voice/live` (and `/audio`), connects a LiveConnection to a
// local WebSocket server that refuses the API key (close 1007), and prints what happened as JSON.
import { WebSocketServer } from 'ws';

const live = await import('phaser-npc-voice/live');
const audio = await import('phaser-npc-voice/audio');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => server.once('listening', resolve));
let setup = null;
server.on('connection', (socket) => {
  socket.once('message', (data) => {
    setup = JSON.parse(String(data)).setup ?? null;
    socket.close(1007, 'API key not valid. Please pass a valid API key.');
  });
});

const npc = { id: 'guard', name: 'Edda', persona: 'You are Edda, the gate guard.', voice: 'Kore' };
const model = live.createLiveModel({ backend: 'emulator', emulatorUrl: `http://127.0.0.1:${server.address().port}` });
const connection = new live.LiveConnection({ model, params: live.sessionParamsFor(npc) });
const states = [];
connection.on(live.LiveConnectionEvent.StateChange, ({ state }) => states.push(state));
let error = null;
try {
  await connection.connect();
} catch (e) {
  error = { liveError: e instanceof live.LiveError, npcVoiceError: e instanceof live.NpcVoiceError, code: e.code, closeCode: e.closeCode };
}
await connection.destroy();
server.close();
console.log(
  JSON.stringify({
    navigator: typeof navigator,
    exports: Object.keys(live).sort(),
    audioExports: Object.keys(audio).sort(),
    oneErrorClass: audio.NpcVoiceError === live.NpcVoiceError,
    model: setup?.model ?? null,
    voice: setup?.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName ?? null,
    states,
    error,
  }),
);
