import { createHash } from 'node:crypto';
import { APP_CHECK_INVALID } from './app-check.js';
import type { BrainState } from './brain.js';
import { modelNotFound, unsupportedOption } from './models.js';
import type { Setup } from './protocol.js';
import { CloseCode, ProtocolError } from './protocol-error.js';
import type { SessionContext, SessionCredentials } from './session-context.js';
import { DEFAULT_VOICE, findVoice, type PrebuiltVoice } from './tts/voices.js';

/**
 * Whether the service would take this setup, checked in the service's order: the key, App Check,
 * the model, the options the model takes, the voice, the resumption handle. Throws the
 * {@link ProtocolError} the service closes with; returns the voice and any resumed state.
 */
export function admit(
  setup: Setup,
  credentials: SessionCredentials,
  ctx: Pick<SessionContext, 'apiKey' | 'appCheck' | 'models' | 'store' | 'stats'>,
): { voice: PrebuiltVoice; restored: BrainState | undefined } {
  if (ctx.apiKey !== null && credentials.key !== ctx.apiKey) {
    throw new ProtocolError(CloseCode.InvalidArgument, 'API key not valid. Please pass a valid API key.');
  }
  if (ctx.appCheck && !ctx.appCheck.verify(credentials.appCheckToken)) {
    throw new ProtocolError(CloseCode.PolicyViolation, APP_CHECK_INVALID);
  }
  if (!ctx.models.has(setup.modelId)) throw new ProtocolError(CloseCode.PolicyViolation, modelNotFound(setup.model));
  const unsupported = unsupportedOption(setup.modelId, setup);
  if (unsupported) throw new ProtocolError(CloseCode.InvalidArgument, unsupported);
  let voice: PrebuiltVoice = DEFAULT_VOICE;
  if (setup.voiceName) {
    const found = findVoice(setup.voiceName);
    if (!found)
      throw new ProtocolError(CloseCode.InvalidArgument, `Unknown voice "${setup.voiceName}": use one of the 30 prebuilt voices.`);
    voice = found;
  }
  let restored: BrainState | undefined;
  if (setup.resumption?.handle) {
    const state = ctx.store.load(setup.resumption.handle);
    if (!state || state.fingerprint !== fingerprintOf(setup)) {
      throw new ProtocolError(
        CloseCode.InvalidArgument,
        'Session resumption handle is invalid, expired, or for another model/instruction.',
      );
    }
    restored = state.brain;
    ctx.stats.resumed++;
  }
  return { voice, restored };
}

/** A resumption handle only resumes the same character on the same model. */
export function fingerprintOf(setup: Setup): string {
  return createHash('sha256').update(`${setup.modelId}\u0000${setup.systemInstruction}`).digest('base64url');
}
