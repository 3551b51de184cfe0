/**
 * Content script, injected on demand (activeTab + scripting) into the frame the user right-clicked in. It answers
 * only the extension's own messages (runtime messages cannot come from the page: we declare no
 * externally_connectable), exposes nothing to the page, and draws the panel in a closed shadow root.
 */
import browser from 'webextension-polyfill';
import { parseMessage, type Message } from '../messages.ts';
import { Panel, type PanelState } from './panel.ts';
import { findImage, readImage } from './read.ts';

// Injected again on every click: set up once per frame. (This global lives in the content script's own world.)
const KEY = Symbol.for('seeing-digits.content');
const scope = globalThis as { [KEY]?: true };
if (!scope[KEY]) {
  scope[KEY] = true;
  main();
}

function main(): void {
  let panel: Panel | null = null;
  const requestAccess = (origin: string) => {
    const msg: Message = { type: 'sd:request-access', origin };
    void browser.runtime.sendMessage(msg);
  };
  const show = (state: PanelState, srcUrl: string) => {
    panel ??= new Panel(requestAccess);
    panel.show(state, findImage(srcUrl));
    return Promise.resolve({ shown: state.kind });
  };

  browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const msg = parseMessage(raw, ['sd:read-image', 'sd:panel-loading', 'sd:panel-result', 'sd:panel-error'] as const);
    if (!msg) return undefined;
    switch (msg.type) {
      case 'sd:read-image':
        return readImage(msg.srcUrl);
      case 'sd:panel-loading':
        return show({ kind: 'loading' }, msg.srcUrl);
      case 'sd:panel-result':
        return show({ kind: 'result', result: msg.result }, msg.srcUrl);
      case 'sd:panel-error':
        return show({ kind: 'error', error: msg.error }, msg.srcUrl);
    }
  });

  window.addEventListener(
    'keydown',
    (e) => {
      if (e.key === 'Escape' && panel?.open) panel.remove();
    },
    true,
  );
  window.addEventListener('resize', () => panel?.place(), { passive: true });
}
