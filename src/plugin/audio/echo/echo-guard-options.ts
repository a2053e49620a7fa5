import type { EchoEstimatorOptions, EchoMode } from './echo-estimator.js';

/** How an `EchoGuard` decides; every field has a default. */
export interface EchoGuardOptions extends EchoEstimatorOptions {
  /** @defaultValue 'auto' */
  mode?: EchoMode;
  /**
   * Keep the microphone held this long after the NPC falls silent (room tail); the measured
   * speaker → microphone delay is added, and before the first measurement it is at least 700 ms.
   * @defaultValue 300
   */
  hangoverMs?: number;
  /** Re-estimate this often while the NPC speaks. @defaultValue 500 */
  everyMs?: number;
  /**
   * While the NPC speaks and the echo is believed cancelled, the microphone runs this far behind,
   * so that what the canceller lets slip is caught before it is sent. With a probe, the sound that
   * asks her to pause is counted over all of it: a canceller in double talk lets a player's words
   * through a syllable at a time. @defaultValue 160, or 400 with a probe
   */
  lookaheadMs?: number;
  /**
   * …and sound at the microphone only goes out once it has lasted this long (within the
   * lookahead): a player taking the floor talks on, while a canceller re-locking after the output
   * delay moves lets through bursts of a tenth of a second or so. Shorter bursts are sent as
   * silence. With a probe ({@link EchoGuardOptions.probeMs}), sound down to −80 dBFS counts, and sound
   * 17 dB above her echo's bound counts twice: a player's first syllable is that loud, and the
   * canceller squeezes what follows. @defaultValue 140, or 120 with a probe
   */
  minTalkMs?: number;
  /**
   * …except in the first {@link EchoGuardOptions.onsetMs} of the NPC speaking after a pause (¼ s), when
   * echo cancellers (re-)converge and let through longer bursts: then the sound must also have
   * been going on this long, and still be. @defaultValue 400, or 300 with a probe
   */
  onsetTalkMs?: number;
  /** See {@link EchoGuardOptions.onsetTalkMs}. @defaultValue 700 */
  onsetMs?: number;
  /**
   * After a leak, treat the echo as present (hold the microphone) for at least this long; after
   * that, the first estimate that finds the canceller working again ends the hold with a probe
   * (three in a row without one), and the onset rule ({@link EchoGuardOptions.onsetTalkMs}) holds
   * as at a line's start. With a probe, a second: the probe catches what slips, and ten seconds of
   * holding is ten seconds in which the player cannot interrupt (docs/rooms.md).
   * @defaultValue 10000, or 1000 with a probe
   */
  stickyMs?: number;
  /**
   * Ask the NPC to pause before believing sound is the player: when sound lasts, the guard first
   * holds it and reports `EchoGuard.playerHasFloor` (the NPC's voice pauses on it and the guard
   * is told `EchoGuard.voiceStopped`), then listens this long. Echo — a canceller slipping —
   * stops with the NPC's voice; a player talks on. Sound that still copies her voice (her echo
   * on a long output path) makes it listen as long again, once. Only then
   * does anything go out (all of it, in order); if the sound stopped, it goes out as silence and
   * `EchoGuard.falseAlarms` counts it. 0 turns the probe off (the sound goes out at once).
   * For a guard whose voice can be paused. @defaultValue 0
   */
  probeMs?: number;
  /**
   * Where the browser gives a second track of the microphone with its processing off, compare it
   * band by band with the game's whole output (voices and music, `EchoEnvelope`): sound the game
   * did not play is the player, and a canceller leaking her echo is not. Once it has learnt the
   * room (5 s of output), it decides where it can tell, and the level rules on what the canceller
   * left decide between: her leaks no longer pause her, and a player the canceller squeezes is
   * still heard (docs/rooms.md). `false` opens one track only.
   * @defaultValue true
   */
  rawTrack?: boolean;
}
