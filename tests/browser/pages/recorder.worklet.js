// Test helper: records its inputs on the audio thread (one channel per input) and posts them back
// in 0.1 s blocks, each tagged with the frame it started at; answers a 'mark' with the frame the
// mark arrived at and the index in the recording that frame has.
class Recorder extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.inputs = options.numberOfInputs ?? 1;
    this.blocks = Array.from({ length: this.inputs }, () => new Float32Array(4800));
    this.fill = 0;
    this.start = -1;
    this.recorded = 0;
    this.port.onmessage = (e) => {
      if (e.data.type === 'mark') this.port.postMessage({ type: 'mark', id: e.data.id, frame: currentFrame, index: this.recorded });
      if (e.data.type === 'flush') this.flush();
    };
  }
  flush() {
    if (this.fill > 0) {
      const channels = this.blocks.map((b) => b.slice(0, this.fill));
      this.port.postMessage({ type: 'block', frame: this.start, samples: channels[0], channels });
    }
    this.fill = 0;
    this.start = -1;
  }
  process(inputs) {
    const n = inputs[0]?.[0]?.length ?? 128;
    for (let i = 0; i < n; i++) {
      if (this.start < 0) this.start = currentFrame + i;
      for (let c = 0; c < this.inputs; c++) this.blocks[c][this.fill] = inputs[c]?.[0]?.[i] ?? 0;
      this.recorded++;
      if (++this.fill === 4800) this.flush();
    }
    return true;
  }
}
registerProcessor('test-recorder', Recorder);
