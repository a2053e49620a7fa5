/// <reference path="./audio-worklet-global.d.ts" />
// The one module the plugin adds to an AudioContext's worklet: it registers both processors.
import { CaptureProcessor } from './capture-processor.js';
import { PlaybackProcessor } from './playback-processor.js';
import { CAPTURE_PROCESSOR, PLAYBACK_PROCESSOR } from './protocol.js';

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
