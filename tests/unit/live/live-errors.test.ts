import { describe, expect, it } from 'vitest';
import { NpcVoiceError } from '../../../src/plugin/errors.ts';
import { errorForClose, LiveError } from '../../../src/plugin/live/live-errors.ts';
import { rewriteOrigin } from '../../../src/plugin/live/socket.ts';

describe('close codes → errors a person can act on', () => {
  it.each([
    [1007, 'Request contains an invalid argument.', 'invalid-request'],
    [1007, 'API key not valid. Please pass a valid API key.', 'invalid-api-key'],
    [1007, 'API key expired. Please renew the API key.', 'invalid-api-key'],
    [1008, 'models/x is not found for API version v1beta', 'model-not-found'],
    [1011, 'Internal error encountered.', 'service-error'],
    [1011, 'Deadline expired before operation could complete.', 'service-error'],
    [1011, 'You exceeded your current quota, please check your plan and billing details.', 'quota-exceeded'],
    [1011, 'Resource has been exhausted (e.g. check quota).', 'quota-exceeded'],
    [1008, 'Firebase App Check token is invalid.', 'app-check'],
    [1008, 'No App Check token: send {"appCheck": token} first.', 'app-check'],
    [1006, '', 'network'],
    [4000, 'custom', 'service-error'],
  ] as const)('%i "%s" → %s', (code, reason, expected) => {
    const error = errorForClose(code, reason);
    expect(error).toBeInstanceOf(LiveError);
    expect(error).toBeInstanceOf(NpcVoiceError);
    expect(error?.code).toBe(expected);
    expect(error?.closeCode).toBe(code);
    if (reason) expect(error?.message).toContain(reason);
  });

  it('an App Check refusal says what to do: configure appCheck and relayUrl', () => {
    const error = errorForClose(1008, 'Firebase App Check token is invalid.');
    expect(error?.message).toMatch(/appCheck/);
    expect(error?.message).toMatch(/relayUrl/);
  });

  it.each([1000, 1001])('%i is a normal close, not an error', (code) => {
    expect(errorForClose(code, 'bye')).toBeNull();
  });
});

describe('rewriteOrigin', () => {
  const sdkUrl = 'wss://firebasevertexai.googleapis.com/ws/google.firebase.vertexai.v1beta.GenerativeService/BidiGenerateContent?key=abc';
  it('points the SDK at the emulator, keeping path and key', () => {
    expect(rewriteOrigin(sdkUrl, 'http://127.0.0.1:5173')).toBe(
      'ws://127.0.0.1:5173/ws/google.firebase.vertexai.v1beta.GenerativeService/BidiGenerateContent?key=abc',
    );
  });
  it('uses wss for https pages and keeps a base path', () => {
    expect(rewriteOrigin(sdkUrl, 'https://game.example/emu/')).toMatch(/^wss:\/\/game\.example\/emu\/ws\/google/);
  });
});
