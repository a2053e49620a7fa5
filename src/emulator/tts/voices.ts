import { PREBUILT_VOICES, type PrebuiltVoice } from '../../plugin/wire/voices.js';

export { DEFAULT_VOICE, findVoice, PREBUILT_VOICES, type PrebuiltVoice } from '../../plugin/wire/voices.js';

/**
 * The Live API's 30 prebuilt voices, each given its own eSpeak NG rendering: a variant (female or
 * male timbre), a pitch and a speed, so every NPC sounds different on the emulator too.
 */

export interface EspeakVoice {
  /** eSpeak variant (`f1`…`f5`, `m1`…`m7`). */
  variant: string;
  /** Pitch 0–99 (eSpeak default 50). */
  pitch: number;
  /** Words per minute (eSpeak default 175). */
  speed: number;
}

const FEMALE = new Set<string>([
  'Zephyr',
  'Kore',
  'Leda',
  'Aoede',
  'Callirrhoe',
  'Autonoe',
  'Despina',
  'Erinome',
  'Laomedeia',
  'Achernar',
  'Gacrux',
  'Pulcherrima',
  'Vindemiatrix',
  'Sulafat',
]);
const FEMALE_VARIANTS = ['f1', 'f2', 'f3', 'f4', 'f5'];
const MALE_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];

/** The eSpeak rendering of a prebuilt voice: stable, and distinct between voices. */
export function espeakVoice(voice: PrebuiltVoice): EspeakVoice {
  const female = FEMALE.has(voice);
  const peers = PREBUILT_VOICES.filter((v) => FEMALE.has(v) === female);
  const i = peers.indexOf(voice);
  const variants = female ? FEMALE_VARIANTS : MALE_VARIANTS;
  // Walk variants first, then shift pitch and speed, so no two voices share all three.
  const round = Math.floor(i / variants.length);
  return {
    variant: variants[i % variants.length] as string,
    pitch: [50, 38, 62][round % 3] as number,
    speed: [170, 150, 190][(round + (i % 2)) % 3] as number,
  };
}

const LANGUAGES: Record<string, string> = {
  en: 'en-us',
  'en-us': 'en-us',
  'en-gb': 'en-gb',
  'en-au': 'en-gb',
  'en-in': 'en-gb',
  de: 'de',
  fr: 'fr',
  'fr-ca': 'fr',
  es: 'es',
  'es-us': 'es-419',
  'es-419': 'es-419',
  it: 'it',
  pt: 'pt',
  'pt-br': 'pt-br',
  nl: 'nl',
  pl: 'pl',
  ru: 'ru',
  tr: 'tr',
  ja: 'ja',
  ko: 'ko',
  cmn: 'cmn',
  zh: 'cmn',
  hi: 'hi',
  ar: 'ar',
  id: 'id',
  vi: 'vi',
  th: 'th',
  sv: 'sv',
  da: 'da',
  fi: 'fi',
  nb: 'nb',
  uk: 'uk',
  bn: 'bn',
  ta: 'ta',
  te: 'te',
  mr: 'mr',
};

/** The eSpeak language for a BCP-47 `languageCode` (`en-US` → `en-us`); English when unknown. */
export function espeakLanguage(languageCode: string | null): string {
  if (!languageCode) return 'en-us';
  const tag = languageCode.toLowerCase();
  return LANGUAGES[tag] ?? LANGUAGES[tag.split('-')[0] as string] ?? 'en-us';
}

/** eSpeak command-line arguments for a voice in a language. */
export function espeakArgs(voice: PrebuiltVoice, languageCode: string | null): string[] {
  const v = espeakVoice(voice);
  return ['-v', `${espeakLanguage(languageCode)}+${v.variant}`, '-p', String(v.pitch), '-s', String(v.speed)];
}
