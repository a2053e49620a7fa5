// Test helper: records its input on the audio thread and posts it back in 0.1 s blocks, each
// tagged with the frame it started at; answers a 'mark' with the frame the mark arrived at.
class Recorder extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(4800);
    this.fill = 0;
    this.start = -1;
    this.port.onmessage = (e) => {
      if (e.data.type === 'mark') this.port.postMessage({ type: 'mark', id: e.data.id, frame: currentFrame });
      if (e.data.type === 'flush') this.flush();
    };
  }
  flush() {
    if (this.fill > 0) this.port.postMessage({ type: 'block', frame: this.start, samples: this.block.slice(0, this.fill) });
    this.fill = 0;
    this.start = -1;
  }
  process(inputs) {
    const ch = inputs[0]?.[0];
    const n = ch ? ch.length : 128;
    for (let i = 0; i < n; i++) {
      if (this.start < 0) this.start = currentFrame + i;
      this.block[this.fill++] = ch ? ch[i] : 0;
      if (this.fill === this.block.length) this.flush();
    }
    return true;
  }
}
registerProcessor('test-recorder', Recorder);
