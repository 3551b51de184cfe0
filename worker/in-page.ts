/**
 * The service in the calling page itself, with no worker between: the same code and engine selection as worker.ts,
 * for the few analyses whose answer must be on screen in the frame after a click (the explorer's ablation clicks;
 * see extension/ui/workbench/engine-session.ts for why a worker's answer cannot be). It runs on the page's main
 * thread, so callers keep it to analyses of a few milliseconds.
 */
import type { SeeingDigitsApi } from './api.ts';
import { browserServiceDeps } from './browser-deps.ts';
import { createService } from './service.ts';

export function createInPageService(base: string = document.baseURI): SeeingDigitsApi {
  return createService(browserServiceDeps(base));
}
