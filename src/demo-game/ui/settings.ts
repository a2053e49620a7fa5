import { Microphone } from '../../plugin/audio.ts';
import type { EchoMode, LiveBackend } from '../../plugin/index.ts';
import { appCheckStatusFor, BACKEND_LABELS } from '../backend.ts';
import { byId, el } from './dom.ts';

/** What the player can change; kept in localStorage. */
export interface DemoSettings {
  micDeviceId: string;
  mode: 'open-mic' | 'push-to-talk';
  talk: 'key' | 'auto';
  voiceVolume: number;
  musicVolume: number;
  backend: LiveBackend;
  echo: EchoMode;
}

const KEY = 'oakvale-settings';
const DEFAULTS: DemoSettings = {
  micDeviceId: '',
  mode: 'open-mic',
  talk: 'key',
  voiceVolume: 1,
  musicVolume: 0.5,
  backend: 'emulator',
  echo: 'auto',
};

export function loadSettings(backends: LiveBackend[]): DemoSettings {
  let saved: Partial<DemoSettings> = {};
  try {
    saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<DemoSettings>;
  } catch {
    // a broken entry: start from the defaults
  }
  const s = { ...DEFAULTS, ...saved };
  if (!backends.includes(s.backend)) s.backend = 'emulator';
  return s;
}

function save(s: DemoSettings): void {
  localStorage.setItem(KEY, JSON.stringify(s));
}

/** The settings dialog; `onChange` gets the whole new settings object. */
export class SettingsPanel {
  private readonly dialog = byId<HTMLDialogElement>('settings');

  constructor(
    private settings: DemoSettings,
    private readonly backends: LiveBackend[],
    private readonly onChange: (s: DemoSettings) => void,
  ) {
    byId('settings-button').addEventListener('click', () => void this.open());
  }

  get current(): DemoSettings {
    return this.settings;
  }

  async open(): Promise<void> {
    const s = this.settings;
    const form = el('form', { method: 'dialog', className: 'settings-form' });
    const row = (label: string, control: HTMLElement) => el('label', { className: 'row' }, el('span', {}, label), control);

    const mic = el('select', { id: 'set-mic' }, el('option', { value: '' }, 'Default microphone'));
    try {
      for (const d of await Microphone.devices())
        mic.append(el('option', { value: d.deviceId, selected: d.deviceId === s.micDeviceId }, d.label || 'Microphone'));
    } catch {
      mic.disabled = true;
    }
    const mode = el(
      'select',
      { id: 'set-mode' },
      el('option', { value: 'open-mic', selected: s.mode === 'open-mic' }, 'Open mic (just talk)'),
      el('option', { value: 'push-to-talk', selected: s.mode === 'push-to-talk' }, 'Push to talk (hold Space)'),
    );
    const talk = el(
      'select',
      { id: 'set-talk' },
      el('option', { value: 'key', selected: s.talk === 'key' }, 'Press E near a villager'),
      el('option', { value: 'auto', selected: s.talk === 'auto' }, 'Start when I walk up'),
    );
    const slider = (id: string, value: number) =>
      el('input', { id, type: 'range', min: '0', max: '1', step: '0.05', value: String(value) });
    const voice = slider('set-voice', s.voiceVolume);
    const music = slider('set-music', s.musicVolume);
    const echo = el(
      'select',
      { id: 'set-echo' },
      el('option', { value: 'auto', selected: s.echo === 'auto' }, 'Automatic (measure the echo)'),
      el('option', { value: 'half-duplex', selected: s.echo === 'half-duplex' }, 'Mute my mic while they speak'),
      el('option', { value: 'off', selected: s.echo === 'off' }, 'Off (headphones)'),
    );
    const backend = el(
      'select',
      { id: 'set-backend' },
      ...this.backends.map((b) => el('option', { value: b, selected: b === s.backend }, BACKEND_LABELS[b])),
    );
    // App Check and the relay for the chosen backend: what a real session needs (README, "Talk to real Gemini").
    const appCheckLine = el('p', { id: 'set-app-check', className: 'hint' });
    const showAppCheck = () => {
      const status = appCheckStatusFor(backend.value as LiveBackend);
      appCheckLine.textContent = status.text;
      appCheckLine.classList.toggle('warning', !status.ready);
    };
    showAppCheck();
    backend.addEventListener('change', showAppCheck);
    form.append(
      el('h2', {}, 'Settings'),
      row('Microphone', mic),
      row('Talking', mode),
      row('Start a conversation', talk),
      row('Voice volume', voice),
      row('Music volume', music),
      row('Speaker echo', echo),
      row('Characters run on', backend),
      appCheckLine,
      el(
        'p',
        { className: 'hint' },
        this.backends.length === 1 ? 'Add a Firebase config in .env to talk to real Gemini (see README).' : '',
      ),
      el('div', { className: 'buttons' }, el('button', { value: 'ok', className: 'primary' }, 'Done')),
    );
    const apply = () => {
      this.settings = {
        micDeviceId: mic.value,
        mode: mode.value as DemoSettings['mode'],
        talk: talk.value as DemoSettings['talk'],
        voiceVolume: Number(voice.value),
        musicVolume: Number(music.value),
        backend: backend.value as LiveBackend,
        echo: echo.value as EchoMode,
      };
      save(this.settings);
      this.onChange(this.settings);
    };
    form.addEventListener('input', apply);
    this.dialog.replaceChildren(form);
    this.dialog.showModal();
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }
}
