/** The Live API's 30 prebuilt voices (the service's default is Puck). */
export const PREBUILT_VOICES = [
  'Puck',
  'Zephyr',
  'Charon',
  'Kore',
  'Fenrir',
  'Leda',
  'Orus',
  'Aoede',
  'Callirrhoe',
  'Autonoe',
  'Enceladus',
  'Iapetus',
  'Umbriel',
  'Algieba',
  'Despina',
  'Erinome',
  'Algenib',
  'Rasalgethi',
  'Laomedeia',
  'Achernar',
  'Alnilam',
  'Schedar',
  'Gacrux',
  'Pulcherrima',
  'Achird',
  'Zubenelgenubi',
  'Vindemiatrix',
  'Sadachbia',
  'Sadaltager',
  'Sulafat',
] as const;
export type PrebuiltVoice = (typeof PREBUILT_VOICES)[number];
export const DEFAULT_VOICE: PrebuiltVoice = 'Puck';

/** Finds a prebuilt voice by name, ignoring case; null when there is none. */
export function findVoice(name: string): PrebuiltVoice | null {
  const lower = name.toLowerCase();
  return PREBUILT_VOICES.find((v) => v.toLowerCase() === lower) ?? null;
}
