import WebSocket from 'ws';

export const FIREBASE_PATH = '/ws/google.firebase.vertexai.v1beta.GenerativeService/BidiGenerateContent';
export const MODEL = 'models/gemini-2.5-flash-native-audio-preview-12-2025';

/** A bare WebSocket client that records everything the emulator says, for protocol tests. */
export class RawClient {
  readonly messages: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(baseUrl: string, path = FIREBASE_PATH, headers: Record<string, string> = {}): Promise<RawClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a minimal valid setup and waits for setupComplete. */
  async setup(extra: Record<string, unknown> = {}): Promise<void> {
    this.send({ setup: { model: MODEL, generationConfig: { responseModalities: ['AUDIO'] }, ...extra } });
    await this.waitFor((m) => 'setupComplete' in m);
  }

  /** Resolves with the first message (from the start) that matches. */
  async waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.messages.map((m) => Object.keys(m).join('+')).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
