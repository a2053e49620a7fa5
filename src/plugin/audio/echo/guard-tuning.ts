/** The echo guard's timings and thresholds (why each is what it is: docs/decisions.md, docs/rooms.md). */

export const CHUNK = 320;
/** Once the player has the floor, it stays theirs until the microphone has been quiet this long. */
export const FLOOR_RELEASE_CHUNKS = 20;
/** The NPC starting again after a pause this long counts as an onset (see onsetTalkMs). */
export const ONSET_AFTER_PAUSE_MS = 250;
/** During a probe, what the microphone hears this soon after the NPC pauses may still be its echo (the echo path). */
export const PROBE_SETTLE_MS = 160;
/** …after that, this share of the chunks must be sound for it to be the player. */
export const PROBE_SOUND_SHARE = 0.3;
/** A probe waits at most this long for chunks captured before the NPC paused (a late frame), ms. */
export const PROBE_MAX_LATE_MS = 1000;
/** With a probe, sound this loud counts towards the floor while the NPC speaks, dBFS (see docs/decisions.md). */
export const PROBE_FLOOR_DB = -80;
/**
 * With a probe, sound 17 dB (this ratio) above what may be the player's counts twice towards {@link EchoGuardOptions.minTalkMs}:
 * a player's first syllable over her stands that far above her echo's bound before the canceller squeezes their next words (docs/rooms.md).
 */
export const STRONG_RATIO = 10 ** (17 / 10);
/**
 * With a probe, the delay line is this long by default, ms: through a canceller in double talk a
 * player's words come as syllables of 60–80 ms with 200–300 ms squeezed between them, so their
 * sound is summed over several syllables (docs/rooms.md).
 */
export const PROBE_LOOKAHEAD_MS = 400;
/** How many chunks of a burst are checked against her voice (`EchoEstimator.copiesVoice`). */
export const COPY_CHUNKS = 3;
/**
 * After the raw track hears the player, the canceller's track decides this many chunks on its own
 * even where the raw track explains the sound: it trails the raw track by a chunk or two, and a
 * player's syllable goes on under her louder echo in the raw microphone (docs/rooms.md).
 */
export const PLAYER_CARRY_CHUNKS = 5;
