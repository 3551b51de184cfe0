/**
 * The browser Web Worker entry (a module worker): the service exposed with Comlink on the worker's global scope.
 * Pages get a client with createBrowserClient() (worker/client-browser.ts), then call
 *   api.init({ models: { mlp: { url: '/models/mlp/model.json' }, cnn: { url: '/models/cnn/model.json' } },
 *              wasm: { simd: '/engine.wasm', tfjs: '/tfjs/' } })
 *
 * URLs (models, wasm) may be relative: they resolve against this script's URL, so in an extension
 * '/models/mlp/model.json' names the packaged file.
 */
import * as Comlink from 'comlink';
import { createService } from './service.ts';
import { browserServiceDeps } from './browser-deps.ts';

declare const self: DedicatedWorkerGlobalScope;

Comlink.expose(createService(browserServiceDeps(self.location.href)));
