import { describe, expect, it } from 'vitest';
import { sessionParamsFor } from '../../../src/plugin/dialogue/session-params.ts';
import { NpcVoiceError } from '../../../src/plugin/errors.ts';
import { resolveSettings } from '../../../src/plugin/game/settings.ts';
import { applyLiveOptions, type LiveOptions, validateLiveOptions } from '../../../src/plugin/live/live-options.ts';
import { guardNpc } from '../../support/characters.ts';

/** The setup firebase/ai 12.19 writes before we patch it (generationConfig always present). */
const sdkSetup = () => ({ model: 'projects/p/models/m', generationConfig: { responseModalities: ['AUDIO'] } });

describe('Live options in the setup message', () => {
  it('every option lands where the Live API names it, counts as int64 strings, beside what the SDK wrote', () => {
    const setup: Record<string, unknown> = sdkSetup();
    applyLiveOptions(setup, {
      thinking: { level: 'low', includeThoughts: false },
      contextWindowCompression: { triggerTokens: 25_600, targetTokens: 12_800 },
      affectiveDialog: true,
      proactiveAudio: true,
      mediaResolution: 'medium',
    });
    expect(setup).toEqual({
      model: 'projects/p/models/m',
      generationConfig: {
        responseModalities: ['AUDIO'],
        thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: false },
        enableAffectiveDialog: true,
        mediaResolution: 'MEDIA_RESOLUTION_MEDIUM',
      },
      proactivity: { proactiveAudio: true },
      contextWindowCompression: { triggerTokens: '25600', slidingWindow: { targetTokens: '12800' } },
    });
  });

  it('a 2.5 thinking budget of 0 (thinking off) is sent, not dropped as falsy; nothing else is added', () => {
    const setup: Record<string, unknown> = sdkSetup();
    applyLiveOptions(setup, { thinking: { budget: 0 } });
    expect(setup).toEqual({ ...sdkSetup(), generationConfig: { responseModalities: ['AUDIO'], thinkingConfig: { thinkingBudget: 0 } } });
  });
});

describe('Live options of the wrong shape: a typed invalid-argument error naming the option', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a level and a budget', { thinking: { level: 'low', budget: 128 } }, /not both/],
    ['an unknown level', { thinking: { level: 'max' } }, /thinking\.level must be one of minimal, low, medium, high/],
    ['a fractional budget', { thinking: { budget: 1.5 } }, /thinking\.budget/],
    ['a budget under -1', { thinking: { budget: -2 } }, /thinking\.budget/],
    ['a target at the trigger', { contextWindowCompression: { triggerTokens: 100, targetTokens: 100 } }, /below triggerTokens/],
    ['a zero trigger', { contextWindowCompression: { triggerTokens: 0 } }, /triggerTokens must be a positive/],
    ['a string flag', { affectiveDialog: 'yes' }, /affectiveDialog must be true or false/],
    ['an unknown resolution', { mediaResolution: 'ultra' }, /mediaResolution must be one of low, medium, high/],
    ['an option the service has no name for', { temperature: 2 }, /temperature is not a Live option/],
  ];
  it.each(cases)('%s', (_, options, message) => {
    const error = (() => {
      try {
        validateLiveOptions(options as LiveOptions);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(NpcVoiceError);
    expect((error as NpcVoiceError).code).toBe('invalid-argument');
    expect((error as Error).message).toMatch(message);
  });

  it('configure and an NPC definition check them before any session opens', () => {
    expect(() => resolveSettings({ liveOptions: { thinking: { level: 'low', budget: 1 } } })).toThrow(/not both/);
    expect(() => sessionParamsFor({ ...guardNpc(), liveOptions: { mediaResolution: 'huge' as 'low' } })).toThrow(/mediaResolution/);
  });
});

describe("the plugin's Live options and an NPC's own", () => {
  it("are merged key by key, the NPC's winning; none at all sends none", () => {
    const npc = { ...guardNpc(), liveOptions: { affectiveDialog: true, thinking: { budget: 0 } } };
    const params = sessionParamsFor(npc, { liveOptions: { thinking: { level: 'minimal' }, mediaResolution: 'low' } });
    expect(params.liveOptions).toEqual({ affectiveDialog: true, thinking: { budget: 0 }, mediaResolution: 'low' });
    expect(sessionParamsFor(guardNpc())).not.toHaveProperty('liveOptions');
  });
});
