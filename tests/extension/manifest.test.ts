import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../extension/manifest.ts';

const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";

describe('buildManifest', () => {
  it('chrome: MV3 service worker, offscreen, least privilege', () => {
    const m = buildManifest('chrome', '1.2.3') as Record<string, any>;
    expect(m.manifest_version).toBe(3);
    expect(m.version).toBe('1.2.3');
    expect(m.background).toEqual({ service_worker: 'background-chrome.js', type: 'module' });
    expect(m.permissions).toEqual(['contextMenus', 'storage', 'activeTab', 'scripting', 'offscreen']);
    expect(m.host_permissions).toBeUndefined();
    expect(m.optional_host_permissions).toEqual(['<all_urls>']);
    expect(m.content_security_policy).toEqual({ extension_pages: CSP });
    expect(m.browser_specific_settings).toBeUndefined();
  });

  it('firefox: event page, gecko settings, no offscreen', () => {
    const m = buildManifest('firefox', '1.2.3') as Record<string, any>;
    expect(m.background).toEqual({ scripts: ['background-firefox.js'], type: 'module' });
    expect(m.permissions).toEqual(['contextMenus', 'storage', 'activeTab', 'scripting']);
    expect(m.browser_specific_settings.gecko).toEqual({
      id: 'seeing-digits@seeing-digits.dev',
      strict_min_version: '142.0',
      data_collection_permissions: { required: ['none'] },
    });
    expect(m.content_security_policy).toEqual({ extension_pages: CSP });
  });
});
