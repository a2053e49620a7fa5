/**
 * The Live API wire format as the emulator reads it (see shared/PROTOCOL.md), and the checks that
 * turn any malformed client message into a close code and a reason naming the problem.
 */

import { enumValue, isObject, optionalBoolean, optionalInteger, optionalObject, optionalString } from './json-fields.js';
import { invalid } from './protocol-error.js';
import { type ModelOptions, parseModelOptions } from './setup-options.js';

export { CloseCode, closeReason, ProtocolError } from './protocol-error.js';

export interface Part {
  text?: string;
  inlineData?: { mimeType: string; data: string };
}
export interface Content {
  role?: string;
  parts: Part[];
}
export interface FunctionDeclaration {
  name: string;
  description?: string;
  /** OpenAPI-style schema (Gemini `Schema`) or JSON Schema (`parametersJsonSchema`). */
  parameters?: Schema;
}
export interface Schema {
  type?: string;
  description?: string;
  enum?: string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}
export type StartSensitivity = 'START_SENSITIVITY_HIGH' | 'START_SENSITIVITY_LOW' | 'START_SENSITIVITY_UNSPECIFIED';
export type EndSensitivity = 'END_SENSITIVITY_HIGH' | 'END_SENSITIVITY_LOW' | 'END_SENSITIVITY_UNSPECIFIED';
export interface ActivityDetectionConfig {
  disabled: boolean;
  startOfSpeechSensitivity: StartSensitivity;
  endOfSpeechSensitivity: EndSensitivity;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

/** A validated `setup`. */
export interface Setup extends ModelOptions {
  model: string;
  /** The model id alone (`gemini-2.5-flash-native-audio-preview-12-2025`). */
  modelId: string;
  responseModality: 'AUDIO' | 'TEXT';
  voiceName: string | null;
  languageCode: string | null;
  systemInstruction: string;
  functions: FunctionDeclaration[];
  activityDetection: ActivityDetectionConfig;
  activityHandling: 'START_OF_ACTIVITY_INTERRUPTS' | 'NO_INTERRUPTION';
  inputTranscription: boolean;
  outputTranscription: boolean;
  resumption: { handle: string | null; transparent: boolean } | null;
}

/** What one client message asks for. */
export type ClientMessage =
  | { kind: 'setup'; setup: Setup }
  | { kind: 'clientContent'; text: string; turnComplete: boolean }
  | { kind: 'audio'; base64: string; rate: number }
  | { kind: 'video'; mimeType: string; base64: string }
  | { kind: 'text'; text: string }
  | { kind: 'activityStart' }
  | { kind: 'activityEnd' }
  | { kind: 'audioStreamEnd' }
  | { kind: 'toolResponse'; responses: { id: string; name: string; response: Record<string, unknown> }[] };

const CLIENT_KEYS = ['setup', 'clientContent', 'realtimeInput', 'toolResponse'] as const;
const REALTIME_KEYS = ['audio', 'video', 'text', 'mediaChunks', 'activityStart', 'activityEnd', 'audioStreamEnd'] as const;
const VIDEO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** Parses one client frame (text or binary UTF-8 JSON) into a message, or throws a ProtocolError. */
export function parseClientMessage(raw: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw invalid(`Invalid JSON payload: ${(e as Error).message}`);
  }
  if (!isObject(value)) throw invalid('Invalid JSON payload: a message must be a JSON object.');
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw invalid(
      `A message must have exactly one top-level field (setup, clientContent, realtimeInput or toolResponse); got ${keys.length}.`,
    );
  }
  const key = keys[0] as string;
  const body = value[key];
  switch (key as (typeof CLIENT_KEYS)[number]) {
    case 'setup':
      return { kind: 'setup', setup: parseSetup(body) };
    case 'clientContent':
      return parseClientContent(body);
    case 'realtimeInput':
      return parseRealtimeInput(body);
    case 'toolResponse':
      return parseToolResponse(body);
    default:
      throw invalid(`Unknown message field "${key}".`);
  }
}

function parseSetup(body: unknown): Setup {
  if (!isObject(body)) throw invalid('setup must be an object.');
  const model = body.model;
  if (typeof model !== 'string' || model.length === 0) throw invalid('setup.model is required.');
  const gen = optionalObject(body.generationConfig, 'setup.generationConfig');
  const modalities = gen.responseModalities;
  let responseModality: Setup['responseModality'] = 'AUDIO';
  if (modalities !== undefined) {
    if (!Array.isArray(modalities) || modalities.some((m) => typeof m !== 'string'))
      throw invalid('responseModalities must be a list of strings.');
    const upper = modalities.map((m: string) => m.toUpperCase());
    if (upper.some((m) => m !== 'AUDIO' && m !== 'TEXT')) throw invalid(`Unsupported response modality in ${JSON.stringify(modalities)}.`);
    if (upper.length > 1) throw invalid('Only one response modality is supported per session.');
    if (upper[0] === 'TEXT') responseModality = 'TEXT';
  }
  const speech = optionalObject(gen.speechConfig, 'speechConfig');
  const voiceConfig = optionalObject(speech.voiceConfig, 'speechConfig.voiceConfig');
  const prebuilt = optionalObject(voiceConfig.prebuiltVoiceConfig, 'prebuiltVoiceConfig');
  const voiceName = optionalString(prebuilt.voiceName, 'prebuiltVoiceConfig.voiceName');
  const languageCode = optionalString(speech.languageCode, 'speechConfig.languageCode');

  const rtc = optionalObject(body.realtimeInputConfig, 'setup.realtimeInputConfig');
  const aad = optionalObject(rtc.automaticActivityDetection, 'automaticActivityDetection');
  const activityDetection: ActivityDetectionConfig = {
    disabled: optionalBoolean(aad.disabled, 'automaticActivityDetection.disabled') ?? false,
    startOfSpeechSensitivity: enumValue(
      aad.startOfSpeechSensitivity,
      ['START_SENSITIVITY_HIGH', 'START_SENSITIVITY_LOW', 'START_SENSITIVITY_UNSPECIFIED'],
      'START_SENSITIVITY_UNSPECIFIED',
      'startOfSpeechSensitivity',
    ),
    endOfSpeechSensitivity: enumValue(
      aad.endOfSpeechSensitivity,
      ['END_SENSITIVITY_HIGH', 'END_SENSITIVITY_LOW', 'END_SENSITIVITY_UNSPECIFIED'],
      'END_SENSITIVITY_UNSPECIFIED',
      'endOfSpeechSensitivity',
    ),
    prefixPaddingMs: optionalInteger(aad.prefixPaddingMs, 'prefixPaddingMs', 0, 10_000) ?? 20,
    silenceDurationMs: optionalInteger(aad.silenceDurationMs, 'silenceDurationMs', 0, 60_000) ?? 500,
  };
  const activityHandling = enumValue(
    rtc.activityHandling,
    ['START_OF_ACTIVITY_INTERRUPTS', 'NO_INTERRUPTION', 'ACTIVITY_HANDLING_UNSPECIFIED'],
    'START_OF_ACTIVITY_INTERRUPTS',
    'activityHandling',
  );

  let resumption: Setup['resumption'] = null;
  if (body.sessionResumption !== undefined && body.sessionResumption !== null) {
    const r = optionalObject(body.sessionResumption, 'sessionResumption');
    resumption = {
      handle: optionalString(r.handle, 'sessionResumption.handle') ?? null,
      transparent: optionalBoolean(r.transparent, 'sessionResumption.transparent') ?? false,
    };
  }

  return {
    model,
    modelId: model.slice(model.lastIndexOf('/') + 1),
    responseModality,
    voiceName: voiceName ?? null,
    languageCode: languageCode ?? null,
    systemInstruction: instructionText(body.systemInstruction),
    functions: parseTools(body.tools),
    activityDetection,
    activityHandling: activityHandling === 'NO_INTERRUPTION' ? 'NO_INTERRUPTION' : 'START_OF_ACTIVITY_INTERRUPTS',
    inputTranscription: body.inputAudioTranscription !== undefined && body.inputAudioTranscription !== null,
    outputTranscription: body.outputAudioTranscription !== undefined && body.outputAudioTranscription !== null,
    resumption,
    ...parseModelOptions(body, gen),
  };
}

function instructionText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (!isObject(value) || !Array.isArray(value.parts)) throw invalid('systemInstruction must be a Content with parts.');
  return value.parts
    .map((p: unknown) => {
      if (!isObject(p)) throw invalid('systemInstruction.parts must hold objects.');
      return typeof p.text === 'string' ? p.text : '';
    })
    .join('\n');
}

function parseTools(value: unknown): FunctionDeclaration[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('setup.tools must be a list.');
  const out: FunctionDeclaration[] = [];
  for (const tool of value) {
    if (!isObject(tool)) throw invalid('setup.tools must hold objects.');
    const decls = tool.functionDeclarations;
    if (decls === undefined) continue; // googleSearch, codeExecution, …: accepted, not emulated
    if (!Array.isArray(decls)) throw invalid('functionDeclarations must be a list.');
    for (const d of decls) {
      if (!isObject(d) || typeof d.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(d.name)) {
        throw invalid(`Invalid function declaration name ${JSON.stringify(isObject(d) ? d.name : d)}.`);
      }
      const schema = d.parameters ?? d.parametersJsonSchema;
      if (schema !== undefined && !isObject(schema)) throw invalid(`Function ${d.name}: parameters must be an object schema.`);
      out.push({
        name: d.name,
        ...(typeof d.description === 'string' ? { description: d.description } : {}),
        ...(schema ? { parameters: schema as Schema } : {}),
      });
    }
  }
  return out;
}

function parseClientContent(body: unknown): ClientMessage {
  if (!isObject(body)) throw invalid('clientContent must be an object.');
  const turns = body.turns ?? [];
  if (!Array.isArray(turns)) throw invalid('clientContent.turns must be a list.');
  const texts: string[] = [];
  for (const turn of turns) {
    if (!isObject(turn) || !Array.isArray(turn.parts)) throw invalid('Each clientContent turn needs parts.');
    for (const part of turn.parts) {
      if (!isObject(part)) throw invalid('Each part must be an object.');
      if (typeof part.text === 'string' && (turn.role ?? 'user') === 'user') texts.push(part.text);
    }
  }
  const turnComplete = optionalBoolean(body.turnComplete, 'clientContent.turnComplete') ?? false;
  return { kind: 'clientContent', text: texts.join('\n'), turnComplete };
}

function parseRealtimeInput(body: unknown): ClientMessage {
  if (!isObject(body)) throw invalid('realtimeInput must be an object.');
  const keys = Object.keys(body);
  if (keys.length !== 1) throw invalid(`realtimeInput must carry exactly one field; got ${keys.length} (${keys.join(', ')}).`);
  const key = keys[0] as string;
  if (!(REALTIME_KEYS as readonly string[]).includes(key)) throw invalid(`Unknown realtimeInput field "${key}".`);
  const value = body[key];
  switch (key as (typeof REALTIME_KEYS)[number]) {
    case 'audio':
      return blob(value, 'realtimeInput.audio');
    case 'video':
      return blob(value, 'realtimeInput.video');
    case 'mediaChunks': {
      if (!Array.isArray(value) || value.length === 0) throw invalid('realtimeInput.mediaChunks must be a non-empty list.');
      return blob(value[0], 'realtimeInput.mediaChunks[0]');
    }
    case 'text':
      if (typeof value !== 'string') throw invalid('realtimeInput.text must be a string.');
      return { kind: 'text', text: value };
    case 'activityStart':
      return { kind: 'activityStart' };
    case 'activityEnd':
      return { kind: 'activityEnd' };
    case 'audioStreamEnd':
      if (value !== true) throw invalid('realtimeInput.audioStreamEnd must be true.');
      return { kind: 'audioStreamEnd' };
  }
  throw invalid(`Unknown realtimeInput field "${key}".`);
}

function blob(value: unknown, where: string): ClientMessage {
  if (!isObject(value)) throw invalid(`${where} must be a Blob {mimeType, data}.`);
  const { mimeType, data } = value;
  if (typeof mimeType !== 'string' || typeof data !== 'string') throw invalid(`${where} needs string mimeType and data.`);
  const [type = '', ...params] = mimeType.split(';').map((s) => s.trim().toLowerCase());
  if (type === 'audio/pcm' || type === 'audio/l16') {
    let rate = 16000;
    for (const p of params) {
      const m = /^rate=(\d+)$/.exec(p);
      if (m) rate = Number(m[1]);
    }
    if (rate < 8000 || rate > 48000) throw invalid(`Unsupported audio rate ${rate} in "${mimeType}" (8000..48000).`);
    return { kind: 'audio', base64: data, rate };
  }
  if (VIDEO_TYPES.has(type)) return { kind: 'video', mimeType: type, base64: data };
  throw invalid(`Unsupported mimeType "${mimeType}" in ${where}: send audio/pcm or image/jpeg.`);
}

function parseToolResponse(body: unknown): ClientMessage {
  if (!isObject(body) || !Array.isArray(body.functionResponses)) throw invalid('toolResponse.functionResponses must be a list.');
  const responses = body.functionResponses.map((r: unknown) => {
    if (!isObject(r) || typeof r.id !== 'string' || typeof r.name !== 'string') {
      throw invalid('Each function response needs a string id and name.');
    }
    const response = r.response === undefined ? {} : r.response;
    if (!isObject(response)) throw invalid(`Function response ${r.id}: response must be an object.`);
    return { id: r.id, name: r.name, response };
  });
  return { kind: 'toolResponse', responses };
}
