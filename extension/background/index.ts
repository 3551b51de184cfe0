/**
 * Background: the context menu on images, and the few messages other parts send. Thin: each handler lives in its
 * own module. Started by chrome.ts (a module service worker) or firefox.ts (an event page) with where analyses run.
 */
import browser from 'webextension-polyfill';
import { parseMessage } from '../messages.ts';
import { isPending, openAccessPage, takePending } from './access.ts';
import { classifyAndShow, handleImageClick, type Analyze, type ClickInfo } from './classify.ts';

const MENU_ID = 'seeing-digits-classify';

/** Set by scripts/build-extension.ts: true only in the test variant (dist/test/), which e2e tests load. */
declare const __SD_TEST_HOOKS__: boolean;

export function startBackground(analyze: Analyze): void {
  const onClick = (info: ClickInfo, tab?: browser.Tabs.Tab) => handleImageClick(analyze, info, tab);

  browser.runtime.onInstalled.addListener(async () => {
    await browser.contextMenus.removeAll();
    browser.contextMenus.create({ id: MENU_ID, title: 'Classify digit with Seeing Digits', contexts: ['image'] });
  });

  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === MENU_ID) void onClick(info, tab);
  });

  /** Access granted: back to the tab that asked, close the access page, and run the click again. */
  async function retry(origin: string, accessTab?: browser.Tabs.Tab): Promise<boolean> {
    const click = await takePending(origin);
    if (!click) return false;
    await browser.tabs.update(click.tabId, { active: true }).catch(() => undefined);
    if (accessTab?.id !== undefined) await browser.tabs.remove(accessTab.id).catch(() => undefined);
    return (await classifyAndShow(click, analyze)).ok;
  }

  // Content scripts may only ask for the access page; extension pages may report a grant.
  browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    const msg = parseMessage(raw, ['sd:request-access', 'sd:access-granted'] as const);
    if (msg?.type === 'sd:request-access' && sender.tab?.id !== undefined) {
      const tab = sender.tab;
      // Only for a click of this tab that is waiting for this origin: nothing else can open the access page.
      return isPending(msg.origin, tab.id!).then((ok) => (ok ? openAccessPage(msg.origin, tab) : undefined));
    }
    const fromExtension = sender.url?.startsWith(browser.runtime.getURL(''));
    if (msg?.type === 'sd:access-granted' && fromExtension) return retry(msg.origin, sender.tab);
    return undefined;
  });

  // For tests: a native context menu cannot be clicked headless, so they call this with what the menu passes.
  // Only in the test build: a global any extension page could call would otherwise ship to users.
  if (__SD_TEST_HOOKS__) Object.assign(globalThis, { handleImageClick: onClick });
}
