import { describe, expect, it } from 'vitest';
import { AudioKeepAlive, type GestureTarget } from '../../../src/plugin/game/audio-keep-alive.ts';

/** An AudioContext's state, statechange event and resume(), counting resumes. */
class FakeContext extends EventTarget {
  state: AudioContextState = 'running';
  resumes = 0;
  /** Whether resume() works (a browser without a user activation keeps it suspended). */
  allowed = false;
  /** statechange listeners attached now. */
  listening = 0;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'statechange') this.listening++;
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'statechange') this.listening--;
    super.removeEventListener(type, listener);
  }
  async resume(): Promise<void> {
    this.resumes++;
    if (this.allowed) this.setState('running');
  }
  setState(state: AudioContextState): void {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
  asContext(): AudioContext {
    return this as unknown as AudioContext;
  }
}

/** A document that counts its gesture listeners and can play a gesture. */
class FakeGestures implements GestureTarget {
  readonly listeners = new Map<string, Set<() => void>>();
  added = 0;
  addEventListener(type: string, listener: () => void, capture: boolean): void {
    expect(capture).toBe(true);
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    this.added++;
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  get count(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
  /** The player clicks. */
  press(type = 'pointerdown'): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
}

function setup(state: AudioContextState = 'running') {
  const sound = { pauseOnBlur: true };
  const context = new FakeContext();
  context.state = state;
  const gestures = new FakeGestures();
  const keepAlive = new AudioKeepAlive(sound, context.asContext(), gestures);
  return { sound, context, gestures, keepAlive };
}

describe('AudioKeepAlive', () => {
  it('turns pauseOnBlur off while held through blur, and release() restores it', () => {
    const { sound, keepAlive } = setup();
    keepAlive.hold(true);
    expect(sound.pauseOnBlur).toBe(false);
    keepAlive.release();
    expect(sound.pauseOnBlur).toBe(true);
  });

  it('destroy() while held (the game is destroyed mid-conversation) gives pauseOnBlur back and removes every listener', () => {
    const { sound, context, gestures, keepAlive } = setup('suspended');
    keepAlive.hold(true);
    keepAlive.destroy();
    expect(sound.pauseOnBlur).toBe(true);
    expect(gestures.count).toBe(0);
    expect(context.listening).toBe(0);
  });

  it('restores the setting the game had, not true', () => {
    const { sound, keepAlive } = setup();
    sound.pauseOnBlur = false;
    keepAlive.hold(true);
    keepAlive.release();
    expect(sound.pauseOnBlur).toBe(false);
  });

  it('leaves pauseOnBlur alone when not held through blur', () => {
    const { sound, context, gestures, keepAlive } = setup('suspended');
    keepAlive.hold(false);
    expect(sound.pauseOnBlur).toBe(true);
    expect(context.resumes).toBe(0);
    expect(gestures.count).toBe(0);
    keepAlive.release();
    expect(sound.pauseOnBlur).toBe(true);
  });

  it('resumes a suspended context at once', () => {
    const { context, gestures, keepAlive } = setup('suspended');
    context.allowed = true;
    keepAlive.hold(true);
    expect(context.resumes).toBe(1);
    expect(context.state).toBe('running');
    expect(gestures.count).toBe(3); // pointerdown, keydown, touchend: the resume might need a gesture
    keepAlive.destroy();
  });

  it('does not touch a running context', () => {
    const { context, gestures, keepAlive } = setup('running');
    keepAlive.hold(true);
    expect(context.resumes).toBe(0);
    expect(gestures.count).toBe(0);
    expect(keepAlive.waitingForGesture).toBe(false);
    keepAlive.destroy();
  });

  it('resumes again when the context is suspended while held', () => {
    const { context, keepAlive } = setup('running');
    keepAlive.hold(true);
    context.setState('suspended'); // Phaser or the browser suspends it
    expect(context.resumes).toBe(1);
    keepAlive.release();
    context.setState('suspended');
    expect(context.resumes).toBe(1); // released: no longer listening
  });

  it('adds its gesture listeners once however often the context is suspended', () => {
    const { context, gestures, keepAlive } = setup('suspended');
    keepAlive.hold(true);
    context.setState('suspended');
    context.setState('suspended');
    expect(gestures.added).toBe(3);
    expect(gestures.count).toBe(3);
    expect(keepAlive.waitingForGesture).toBe(true);
    keepAlive.destroy();
  });

  it('resumes on the next gesture and then removes its gesture listeners', () => {
    const { context, gestures, keepAlive } = setup('suspended');
    keepAlive.hold(true);
    expect(context.resumes).toBe(1);
    gestures.press('keydown');
    expect(context.resumes).toBe(2);
    expect(gestures.count).toBe(0);
    expect(keepAlive.waitingForGesture).toBe(false);
    keepAlive.destroy();
  });

  it('removes every listener when destroyed while waiting for a gesture', () => {
    const { context, gestures, keepAlive } = setup('suspended');
    keepAlive.hold(true);
    expect(gestures.count).toBe(3);
    keepAlive.destroy();
    expect(gestures.count).toBe(0);
    expect(keepAlive.waitingForGesture).toBe(false);
    context.setState('suspended');
    expect(context.resumes).toBe(1); // nor listens to the context any more
  });

  it("listens to the context's state while held and stops on release", () => {
    const { context, keepAlive } = setup('running');
    keepAlive.hold(true);
    expect(context.listening).toBe(1);
    keepAlive.release();
    expect(context.listening).toBe(0);
  });

  it('holds once: a second hold does not save pauseOnBlur over the game setting', () => {
    const { sound, keepAlive } = setup();
    keepAlive.hold(true);
    keepAlive.hold(true);
    keepAlive.release();
    expect(sound.pauseOnBlur).toBe(true);
  });

  it('works without a sound manager, context or document', () => {
    const keepAlive = new AudioKeepAlive(null, null, null);
    keepAlive.hold(true);
    expect(keepAlive.waitingForGesture).toBe(false);
    keepAlive.destroy();
  });
});
