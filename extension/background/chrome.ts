/** Chrome's background (a module service worker): analyses run in the offscreen document. */
import { startBackground } from './index.ts';
import { viaOffscreen } from './offscreen.ts';

startBackground(viaOffscreen);
