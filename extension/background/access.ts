/**
 * Optional host access, asked for only when a cross-origin image cannot be read otherwise. The click that needed
 * it is remembered (storage.session: the service worker may be stopped meanwhile) and run again once granted.
 */
import browser from 'webextension-polyfill';
import { PATHS } from '../paths.ts';
import { originPattern } from '../shared/origins.ts';

export interface PendingClick {
  tabId: number;
  frameId: number;
  srcUrl: string;
}

export function hasAccess(origin: string): Promise<boolean> {
  return browser.permissions.contains({ origins: [originPattern(origin)] });
}

const key = (origin: string) => `pending:${origin}`;

export async function remember(origin: string, click: PendingClick): Promise<void> {
  await browser.storage.session.set({ [key(origin)]: click });
}

/** The click waiting for `origin`, forgotten once taken. */
export async function takePending(origin: string): Promise<PendingClick | null> {
  const stored = await browser.storage.session.get(key(origin));
  await browser.storage.session.remove(key(origin));
  const c = stored[key(origin)] as Partial<PendingClick> | undefined;
  return c && Number.isInteger(c.tabId) && Number.isInteger(c.frameId) && typeof c.srcUrl === 'string'
    ? (c as PendingClick)
    : null;
}

/** Opens the page where the user grants access (permissions.request needs a user gesture in an extension page). */
export async function openAccessPage(origin: string, from?: browser.Tabs.Tab): Promise<void> {
  const url = `${browser.runtime.getURL(PATHS.options)}?grant=${encodeURIComponent(origin)}`;
  await browser.tabs.create({ url, index: from ? from.index + 1 : undefined, openerTabId: from?.id });
}
