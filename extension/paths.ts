/** Where the build puts the extension's entry points (paths inside the extension; manifest.ts names them). */
export const PATHS = {
  background: { chrome: 'background-chrome.js', firefox: 'background-firefox.js' },
  content: 'content.js',
  popup: 'popup/index.html',
  explorer: 'explorer/index.html',
  options: 'options/index.html',
  offscreen: 'offscreen/index.html',
  icons: { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png', 48: 'icons/icon-48.png', 128: 'icons/icon-128.png' },
} as const;
