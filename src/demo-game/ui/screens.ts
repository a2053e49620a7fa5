import { byId, el } from './dom.ts';

/** Full-screen and banner messages: start, and the failures a player can meet. */
export const Screens = {
  /** The title screen; resolves when the player starts (a click: browsers require one for sound). */
  start(): Promise<void> {
    const screen = byId('screen');
    const button = el('button', { className: 'primary big', id: 'start-button' }, 'Enter Oakvale');
    screen.replaceChildren(
      el(
        'div',
        { className: 'card' },
        el('h1', {}, 'Oakvale'),
        el('p', { className: 'tagline' }, 'A small village where you talk to the people — out loud.'),
        el(
          'ul',
          { className: 'controls' },
          el('li', {}, el('kbd', {}, 'WASD'), ' / ', el('kbd', {}, '←↑→↓'), ' or tap: walk'),
          el('li', {}, el('kbd', {}, 'E'), ' talk to someone nearby, then just speak'),
          el('li', {}, el('kbd', {}, 'Space'), ' hold to talk (push-to-talk mode)'),
          el('li', {}, el('kbd', {}, 'Enter'), ' type instead · ', el('kbd', {}, 'Esc'), ' end the conversation'),
          el('li', {}, el('kbd', {}, 'F3'), ' debug numbers · ⚙ settings'),
        ),
        button,
        el('p', { className: 'fine' }, 'Your browser will ask for the microphone. Without it you can still type.'),
      ),
    );
    screen.hidden = false;
    return new Promise((resolve) => {
      button.addEventListener('click', () => {
        screen.hidden = true;
        resolve();
      });
    });
  },

  /** A blocking error with an optional action (e.g. retry). */
  fatal(title: string, body: string, action?: { label: string; run: () => void }): void {
    const screen = byId('screen');
    const card = el('div', { className: 'card error', role: 'alert' }, el('h1', {}, title), el('p', {}, body));
    if (action) {
      const b = el('button', { className: 'primary' }, action.label);
      b.addEventListener('click', () => {
        screen.hidden = true;
        action.run();
      });
      card.append(b);
    }
    screen.replaceChildren(card);
    screen.hidden = false;
  },

  /** A dismissible banner that does not stop play. */
  banner(id: string, text: string, action?: { label: string; run: () => void }): void {
    const bar = byId('banners');
    bar.querySelector(`[data-id="${id}"]`)?.remove();
    const b = el('div', { className: 'banner', role: 'alert' }, el('span', {}, text));
    b.dataset.id = id;
    if (action) {
      const button = el('button', {}, action.label);
      button.addEventListener('click', () => {
        b.remove();
        action.run();
      });
      b.append(button);
    }
    const close = el('button', { className: 'close', ariaLabel: 'Dismiss' }, '×');
    close.addEventListener('click', () => b.remove());
    b.append(close);
    bar.append(b);
  },

  clearBanner(id: string): void {
    byId('banners').querySelector(`[data-id="${id}"]`)?.remove();
  },
};
