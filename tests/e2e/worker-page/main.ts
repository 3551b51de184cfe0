// A page with only the worker client on it, for end-to-end tests of the worker in a real browser
// (tests/e2e/webgl-loss.test.ts builds it with vite; it is never part of the extension). A call that hangs for
// 20 s restarts the worker, which the tests see in `starts`.
import { createBrowserClient } from '../../../worker/client-browser.ts';

Object.assign(globalThis, { seeingDigits: createBrowserClient({ timeoutMs: 20_000, initTimeoutMs: 60_000 }) });
