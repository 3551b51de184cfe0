/**
 * A right-click on an image: inject the panel, read the pixels (in the page first, then with the extension's
 * own rights), run both models, show the result. Every failure ends as a message in the panel.
 */
import browser from 'webextension-polyfill';
import { PATHS } from '../paths.ts';
import { isImageUrl, isReadImageReply, type AnalyzeOutcome, type AnalyzePrefs, type ImageSource, type Message } from '../messages.ts';
import { errorOutcome } from '../shared/outcome.ts';
import { errorText } from '../shared/errors.ts';
import { hasAccess, remember, type PendingClick } from './access.ts';
import { analyzePrefs } from './prefs.ts';
import { withDeadline } from '../../src/net/bounded-fetch.ts';

/** Everything one click does (inject, read, fetch again, analyse) ends within this, as a message in the panel. */
export const CLICK_DEADLINE_MS = 30_000;

/** Reads an image with the extension's rights and runs the models: in the offscreen document or in place. */
export type Analyze = (source: ImageSource, prefs: AnalyzePrefs) => Promise<AnalyzeOutcome>;

const send = (t: PendingClick, msg: Message) => browser.tabs.sendMessage(t.tabId, msg, { frameId: t.frameId });

async function inject(t: PendingClick): Promise<void> {
  await browser.scripting.executeScript({ target: { tabId: t.tabId, frameIds: [t.frameId] }, files: [PATHS.content] });
}

/**
 * Injects the panel where the image is, or, for an image in a cross-origin iframe (activeTab covers only the
 * tab's own site), into the top frame, where the panel shows in a corner. Returns where it went.
 */
async function injectNearest(t: PendingClick): Promise<PendingClick> {
  try {
    await inject(t);
    return t;
  } catch (e) {
    if (t.frameId === 0) throw e;
    const top = { ...t, frameId: 0 };
    await inject(top);
    return top;
  }
}

const originOf = (url: string): string | null => {
  const u = new URL(url);
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
};

/** Why the extension could not read the image either: missing access (which we can ask for), or anything else. */
async function explain(t: PendingClick, outcome: AnalyzeOutcome, pageError: string): Promise<AnalyzeOutcome> {
  if (outcome.ok || outcome.error.kind !== 'cross-origin') return outcome;
  const origin = originOf(t.srcUrl);
  if (!origin || (await hasAccess(origin))) {
    return errorOutcome('unreadable', `Cannot read this image: ${pageError || outcome.error.message}.`);
  }
  await remember(origin, t);
  return errorOutcome(
    'cross-origin',
    `This image comes from ${new URL(origin).host}, which does not let other sites read its pixels. ` +
      'Seeing Digits can read it if you allow it to read images from that site.',
    origin,
  );
}

/** Reads and analyses the image; the panel must already be injected. */
export async function classify(t: PendingClick, analyze: Analyze): Promise<AnalyzeOutcome> {
  const prefs = await analyzePrefs();
  const read: unknown = await send(t, { type: 'sd:read-image', srcUrl: t.srcUrl });
  if (isReadImageReply(read) && read.ok) return analyze({ kind: 'pixels', image: read.image }, prefs);
  const pageError = isReadImageReply(read) && !read.ok ? read.message : '';
  // Download again with the extension's rights only when the page's failed for network/CORS reasons: a file too
  // large, too slow or not an image would be just as bad the second time.
  const retry = !isReadImageReply(read) || (!read.ok && read.network === true);
  if (!retry || t.srcUrl.startsWith('data:') || t.srcUrl.startsWith('blob:')) {
    return errorOutcome('unreadable', `Cannot read this image: ${pageError || 'the page did not give its pixels'}.`);
  }
  return explain(t, await analyze({ kind: 'url', url: t.srcUrl }, prefs), pageError);
}

/** Shows the outcome of `classify` in the panel and returns it. */
export async function classifyAndShow(t: PendingClick, analyze: Analyze): Promise<AnalyzeOutcome> {
  let outcome: AnalyzeOutcome;
  try {
    await send(t, { type: 'sd:panel-loading', srcUrl: t.srcUrl });
    const late = `it took more than ${CLICK_DEADLINE_MS / 1000} s to read and analyse the image`;
    outcome = await withDeadline(CLICK_DEADLINE_MS, late, () => classify(t, analyze));
  } catch (e) {
    outcome = errorOutcome('engine', `Something went wrong: ${errorText(e)}`);
  }
  const msg: Message = outcome.ok
    ? { type: 'sd:panel-result', srcUrl: t.srcUrl, result: outcome.result }
    : { type: 'sd:panel-error', srcUrl: t.srcUrl, error: outcome.error };
  await send(t, msg).catch(() => undefined); // the tab may have gone meanwhile
  return outcome;
}

export interface ClickInfo {
  srcUrl?: string;
  frameId?: number;
}

/** The context-menu handler. */
export async function handleImageClick(analyze: Analyze, info: ClickInfo, tab?: browser.Tabs.Tab): Promise<AnalyzeOutcome> {
  if (tab?.id === undefined || tab.id < 0 || !isImageUrl(info.srcUrl)) {
    return errorOutcome('invalid', 'Only images in web pages can be classified.');
  }
  const clicked: PendingClick = { tabId: tab.id, frameId: info.frameId ?? 0, srcUrl: info.srcUrl };
  let t: PendingClick;
  try {
    t = await injectNearest(clicked);
  } catch (e) {
    // Pages no extension may script (browser pages, the extension stores): nowhere to show a panel.
    const message = `Seeing Digits cannot work on this page: ${errorText(e)}`;
    await browser.action.setBadgeText({ tabId: clicked.tabId, text: '!' });
    await browser.action.setTitle({ tabId: clicked.tabId, title: message });
    return errorOutcome('unreadable', message);
  }
  return classifyAndShow(t, analyze);
}
