/**
 * Options: the settings (theme, engine, ink, saliency samples; the same form as the explorer's) and the sites
 * Seeing Digits may read images from. Opened with ?grant=ORIGIN by the panel's "Allow" button,
 * because permissions.request needs a user gesture in an extension page (content scripts cannot call it).
 */
import '../ui/base.css';
import './options.css';
import browser from 'webextension-polyfill';
import { isWebOrigin, type Message } from '../messages.ts';
import { originPattern } from '../shared/origins.ts';
import { errorText } from '../shared/errors.ts';
import { settingsForm } from '../ui/settings-form.ts';
import { watchTheme } from '../ui/theme.ts';
import { SettingsStore } from '../ui/workbench/settings-store.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function renderSites(): Promise<void> {
  const { origins = [] } = await browser.permissions.getAll();
  const list = $('sites');
  const items = origins.map((pattern) => {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = pattern === '<all_urls>' ? 'All sites' : pattern.replace(/\/\*$/, '');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', async () => {
      await browser.permissions.remove({ origins: [pattern] });
      await renderSites();
    });
    li.append(code, remove);
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = 'None yet.';
    items.push(li);
  }
  list.replaceChildren(...items);
}

function showGrant(origin: string): void {
  $('grant').hidden = false;
  // Match patterns ignore ports: the grant covers the whole host, so that is what the page names.
  const host = new URL(origin).hostname;
  $('grant-host').textContent = host;
  $('grant-site').textContent = `${new URL(origin).protocol}//${host}`;
  const status = $('grant-status');
  $('allow').addEventListener('click', () => {
    // NOTE: Firefox requires permissions.request to run synchronously inside the click handler: no await before it.
    browser.permissions.request({ origins: [originPattern(origin)] }).then(
      async (granted) => {
        if (!granted) {
          status.textContent = 'Not allowed. You can close this tab.';
          return;
        }
        status.textContent = 'Allowed. Going back to the image…';
        await renderSites();
        const msg: Message = { type: 'sd:access-granted', origin };
        await browser.runtime.sendMessage(msg);
      },
      (e: unknown) => (status.textContent = `Could not ask for access: ${errorText(e)}`),
    );
  });
  $('cancel').addEventListener('click', () => window.close());
}

async function showSettings(): Promise<void> {
  const store = await SettingsStore.open();
  const apply = watchTheme(() => store.value.theme, () => undefined);
  store.onChange(apply);
  document.querySelector('[data-testid="settings"]')!.append(settingsForm(store));
}

const grant = new URLSearchParams(location.search).get('grant');
void showSettings();
if (isWebOrigin(grant)) showGrant(grant);
void renderSites();
