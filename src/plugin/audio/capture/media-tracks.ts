import { NpcVoiceError } from '../../errors.js';

// The browser's side of opening a microphone: the page's media devices, the constraints of a
// track, the second track without the browser's processing, and what a refusal means.

/**
 * A second track of the microphone `main` came from, with the browser's processing off; null
 * where the browser refuses it, or where giving it changed the first track's echo cancellation.
 */
export async function openRaw(mediaDevices: MediaDevices, main: MediaStream): Promise<MediaStream | null> {
  const track = main.getAudioTracks()[0];
  if (!track) return null;
  const { deviceId, echoCancellation } = track.getSettings();
  let raw: MediaStream;
  try {
    raw = await mediaDevices.getUserMedia({ audio: trackConstraints(false, deviceId) });
  } catch {
    return null;
  }
  const rawTrack = raw.getAudioTracks()[0];
  const kept =
    rawTrack !== undefined && rawTrack.getSettings().echoCancellation !== true && track.getSettings().echoCancellation === echoCancellation;
  if (kept) return raw;
  for (const t of raw.getTracks()) t.stop();
  return null;
}

/** A track's constraints: the browser's canceller and noise suppression on or off, its gain control off, mono, from `deviceId` when given. */
export function trackConstraints(
  processed: boolean,
  deviceId: string | undefined,
  extra: MediaTrackConstraints = {},
): MediaTrackConstraints {
  return {
    echoCancellation: processed,
    noiseSuppression: processed,
    autoGainControl: false,
    channelCount: { ideal: 1 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    ...extra,
  };
}

/** The page's media devices; a typed `insecure-context` error where the page cannot use them. */
export function mediaDevicesOrThrow(): MediaDevices {
  if (globalThis.isSecureContext === false || typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new NpcVoiceError(
      'insecure-context',
      'Microphone access needs a secure context (https:// or http://localhost); this page cannot use getUserMedia. Typing still works.',
    );
  }
  return navigator.mediaDevices;
}

/** What a refused `getUserMedia` means, as a typed error the game can show. */
export function microphoneError(cause: unknown): NpcVoiceError {
  const name = cause instanceof Error || (typeof DOMException !== 'undefined' && cause instanceof DOMException) ? cause.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new NpcVoiceError('permission-denied', 'Microphone permission was denied. Allow it in the browser to talk, or type instead.', {
        cause,
      });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new NpcVoiceError(
        'no-microphone',
        'No microphone was found (or none matches the chosen device). Plug one in, or type instead.',
        {
          cause,
        },
      );
    case 'NotReadableError':
    case 'AbortError':
      return new NpcVoiceError('microphone-busy', 'The microphone is in use by another program or could not be opened.', { cause });
    default:
      return new NpcVoiceError('microphone-failed', `Could not open the microphone: ${String(cause)}`, { cause });
  }
}
