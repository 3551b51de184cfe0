/**
 * The extension build (driven by scripts/build-extension.ts, `npm run build`). Two passes, because MV3 content
 * scripts cannot be ES modules:
 *   pages:   popup, explorer, options, offscreen (HTML entries) + background-{chrome,firefox}.js, ESM with shared chunks; the
 *            worker is bundled by Vite from `new Worker(new URL(...), { type: 'module' })`.
 *   content: content.js, one self-contained IIFE.
 * TensorFlow.js is bundled from its ESM packages: the prebuilt tf.min.js hits an EvalError under the MV3 CSP.
 */
import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';

const root = resolve(import.meta.dirname, 'extension');
export const STAGE = resolve(import.meta.dirname, 'dist/.stage');

const shared: UserConfig = {
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
};

export const pagesConfig: UserConfig = {
  ...shared,
  build: {
    outDir: STAGE,
    emptyOutDir: true,
    target: ['chrome116', 'firefox142'],
    modulePreload: { polyfill: false },
    // Readable output: store reviewers read it, and stack traces from users stay useful.
    minify: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: {
        popup: resolve(root, 'popup/index.html'),
        explorer: resolve(root, 'explorer/index.html'),
        options: resolve(root, 'options/index.html'),
        offscreen: resolve(root, 'offscreen/index.html'),
        'background-chrome': resolve(root, 'background/chrome.ts'),
        'background-firefox': resolve(root, 'background/firefox.ts'),
      },
      output: {
        // Manifests name the background scripts: fixed names, at the root.
        entryFileNames: (chunk) => (chunk.name.startsWith('background-') ? '[name].js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  worker: {
    format: 'es',
    rolldownOptions: { output: { entryFileNames: 'assets/[name]-[hash].js', chunkFileNames: 'assets/[name]-[hash].js' } },
  },
};

export const contentConfig: UserConfig = {
  ...shared,
  build: {
    outDir: STAGE,
    emptyOutDir: false,
    target: ['chrome116', 'firefox142'],
    minify: false,
    reportCompressedSize: false,
    lib: { entry: resolve(root, 'content/index.ts'), formats: ['iife'], name: 'seeingDigitsContent', fileName: () => 'content.js' },
  },
};

export default defineConfig(pagesConfig);
