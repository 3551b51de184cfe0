/**
 * One manifest source for both browsers (MV3). Chrome runs the background as a service worker, which cannot
 * create Web Workers, so the worker lives in an offscreen document (needs the `offscreen` permission). Firefox
 * runs the background as an event page, which can create the worker itself.
 *
 * Least privilege: `activeTab` + `scripting` inject the panel into the tab the user right-clicked in; broad host
 * access is optional and asked for at run time, only when a cross-origin image cannot be read otherwise.
 */
import { PATHS } from './paths.ts';

export type Target = 'chrome' | 'firefox';

export const FIREFOX_ID = 'seeing-digits@seeing-digits.dev';

// NOTE: without 'wasm-unsafe-eval' both browsers block WebAssembly compilation in extension pages and workers.
const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";

export function buildManifest(target: Target, version: string): Record<string, unknown> {
  const common = {
    manifest_version: 3,
    name: 'Seeing Digits',
    short_name: 'Seeing Digits',
    version,
    description: 'See what small neural networks learn from handwritten digits: sketch one, or right-click a digit image.',
    icons: PATHS.icons,
    action: { default_title: 'Seeing Digits', default_popup: PATHS.popup, default_icon: PATHS.icons },
    options_ui: { page: PATHS.options, open_in_tab: true },
    content_security_policy: { extension_pages: CSP },
    optional_host_permissions: ['<all_urls>'],
  };
  if (target === 'chrome') {
    return {
      ...common,
      minimum_chrome_version: '116',
      background: { service_worker: PATHS.background.chrome, type: 'module' },
      permissions: ['contextMenus', 'storage', 'activeTab', 'scripting', 'offscreen'],
    };
  }
  return {
    ...common,
    background: { scripts: [PATHS.background.firefox], type: 'module' },
    permissions: ['contextMenus', 'storage', 'activeTab', 'scripting'],
    browser_specific_settings: {
      gecko: { id: FIREFOX_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } },
    },
  };
}
