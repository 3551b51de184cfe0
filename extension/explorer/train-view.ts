/**
 * The Train view: build a network, train it on MNIST in a worker of its own (the explorer's analyses keep theirs),
 * and watch it learn — loss and validation curves, the first layer's weights, the PCA map of a hidden layer each
 * epoch, the confusion matrix, the sketch read by the model as it is now, images/s. Each epoch's checkpoint goes to
 * IndexedDB, so closing the tab loses at most the epoch in progress; reopening offers to resume. A trained model is
 * saved under a name (then chosen in the popup, the page panel and the explorer) or downloaded as TensorFlow.js files.
 *
 * MNIST (~11 MB) is fetched only when the first run starts here; nothing else in the extension loads it.
 */
import type { SeeingDigitsClient } from '../../worker/client.ts';
import type { TrainCheckpoint, TrainConfig, TrainEvent, TrainStatus } from '../../worker/api.ts';
import { checkTrainConfig, DEFAULT_TRAIN_CONFIG, type TrainArch } from '../../src/train/config.ts';
import { SHARD_NAME } from '../../src/model/format.ts';
import { spawnClient } from '../shared/session.ts';
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { pct } from '../shared/format.ts';
import { clearRun, deleteModel, listModels, loadRun, MAX_STORE_BYTES, mb, saveModel, saveRun, type SavedRun } from '../shared/models-store.ts';
import type { Analysis } from '../ui/live.ts';
import type { View, WorkbenchContext } from './view.ts';
import { confusion, lineChart, scatter, weightTiles } from './train-charts.ts';
import { MODELS_CHANGED } from '../ui/model-import.ts';

const POLL_MS = 200;

const field = (label: string, control: HTMLElement, hint?: string) => h('label', { class: 'train-field' }, h('span', {}, label), control, hint ? h('small', {}, hint) : null);
const numbers = (s: string) => (s.trim() === '' ? [] : s.split(',').map((v) => Number(v.trim())));

export class TrainView implements View {
  private client?: SeeingDigitsClient;
  private timer?: ReturnType<typeof setInterval>;
  private running = false;
  private polling = false;
  /**
   * Every request whose answer carries the run's status takes a ticket when sent; a status is shown only if no
   * later-sent request's status is on screen already. The worker answers in order, but the view may finish with an
   * answer late (a poll storing an epoch's checkpoint first): without this, a poll sent before Stop could write its
   * 'training …' over 'stopped' after the timer had ended, and nothing would correct it.
   */
  private tickets = 0;
  private shown = 0;
  private curves: SavedRun['curves'] = { loss: [], val: [] };
  private lastEpoch?: Extract<TrainEvent, { kind: 'epoch' }>;
  private epochs = 1;
  /** When the sketch was last read by the model in training (re-read about every second while it learns). */
  private predictedAt = 0;
  private batchesPerEpoch = 1;
  private readonly el = {
    model: h('select', { 'data-testid': 'train-model' }, h('option', { value: 'mlp' }, 'MLP'), h('option', { value: 'cnn' }, 'CNN')),
    hidden: h('input', { 'data-testid': 'train-hidden', value: '128,64', size: 12 }),
    activation: h('select', { 'data-testid': 'train-activation' }, ...['tanh', 'relu', 'sigmoid'].map((a) => h('option', { value: a }, a))),
    channels: h('input', { 'data-testid': 'train-channels', value: '16,32', size: 12 }),
    dense: h('input', { 'data-testid': 'train-dense', type: 'number', value: '128', min: 0 }),
    optimizer: h('select', { 'data-testid': 'train-optimizer' }, h('option', { value: 'adam' }, 'Adam'), h('option', { value: 'sgd' }, 'SGD + momentum')),
    lr: h('input', { 'data-testid': 'train-lr', value: String(DEFAULT_TRAIN_CONFIG.lr), size: 8 }),
    batch: h('input', { 'data-testid': 'train-batch', type: 'number', value: String(DEFAULT_TRAIN_CONFIG.batch), min: 1 }),
    epochs: h('input', { 'data-testid': 'train-epochs', type: 'number', value: String(DEFAULT_TRAIN_CONFIG.epochs), min: 1 }),
    augment: h('input', { 'data-testid': 'train-augment', type: 'checkbox' }),
    seed: h('input', { 'data-testid': 'train-seed', type: 'number', value: '1', min: 0 }),
    // Two threads where the machine has two cores: each batch split in halves (src/train/peer.ts).
    cores: h('input', { 'data-testid': 'train-cores', type: 'checkbox', ...((navigator.hardwareConcurrency ?? 1) >= 2 ? { checked: true } : {}) }),
    threads: h('span', { 'data-testid': 'train-threads' }, ''),
    params: h('span', { 'data-testid': 'train-params' }),
    error: h('p', { class: 'train-error', 'data-testid': 'train-error', role: 'alert' }),
    start: h('button', { type: 'button', 'data-testid': 'train-start', class: 'primary' }, 'Train'),
    pause: h('button', { type: 'button', 'data-testid': 'train-pause', disabled: true }, 'Pause'),
    stop: h('button', { type: 'button', 'data-testid': 'train-stop', disabled: true }, 'Stop'),
    resumeOffer: h('div', { class: 'train-resume', 'data-testid': 'train-resume-offer', hidden: true }),
    status: h('span', { 'data-testid': 'train-status' }, 'not started'),
    speed: h('span', { 'data-testid': 'train-speed' }, '–'),
    test: h('span', { 'data-testid': 'train-test-accuracy' }, '–'),
    prediction: h('span', { 'data-testid': 'train-prediction' }, 'Draw a digit to see how the model reads it now.'),
    loss: h('canvas', { 'data-testid': 'train-loss' }),
    val: h('canvas', { 'data-testid': 'train-val' }),
    weights: h('canvas', { 'data-testid': 'train-weights' }),
    pca: h('canvas', { 'data-testid': 'train-pca' }),
    confusion: h('canvas', { 'data-testid': 'train-confusion' }),
    name: h('input', { 'data-testid': 'train-name', placeholder: 'name', size: 16, maxlength: 64 }),
    save: h('button', { type: 'button', 'data-testid': 'train-save', disabled: true }, 'Save'),
    exportBtn: h('button', { type: 'button', 'data-testid': 'train-export', disabled: true }, 'Download TF.js files'),
    saved: h('p', { 'data-testid': 'train-saved', role: 'status' }),
    models: h('ul', { class: 'train-models', 'data-testid': 'train-models' }),
    used: h('p', { 'data-testid': 'train-store-used' }),
  };

  constructor(private readonly wb: WorkbenchContext, host: HTMLElement) {
    const e = this.el;
    const mlpOnly = h('span', { class: 'train-arch' }, field('Hidden sizes', e.hidden, 'e.g. 128,64'), field('Activation', e.activation));
    const cnnOnly = h('span', { class: 'train-arch', hidden: true }, field('Channels', e.channels, 'per conv block, e.g. 16,32'), field('Dense units', e.dense));
    e.model.addEventListener('change', () => {
      mlpOnly.hidden = e.model.value !== 'mlp';
      cnnOnly.hidden = e.model.value !== 'cnn';
      this.check();
    });
    host.append(
      h('div', { class: 'card pane train-build' },
        h('h3', {}, 'Network and training'),
        h('div', { class: 'train-form', oninput: () => this.check() },
          field('Network', e.model), mlpOnly, cnnOnly, field('Optimizer', e.optimizer), field('Learning rate', e.lr),
          field('Batch', e.batch), field('Epochs', e.epochs), field('Augment', e.augment), field('Seed', e.seed),
          field('Both cores', e.cores, 'two threads')),
        h('p', {}, e.params),
        e.error,
        h('div', { class: 'train-buttons' }, e.start, e.pause, e.stop),
        e.resumeOffer,
        h('p', { class: 'train-readout' }, e.status, ' · ', e.speed, e.threads, ' · test accuracy ', e.test)),
      h('div', { class: 'train-grid' },
        h('figure', { class: 'card pane' }, h('figcaption', {}, 'Training loss'), e.loss),
        h('figure', { class: 'card pane' }, h('figcaption', {}, 'Validation accuracy'), e.val),
        h('figure', { class: 'card pane' }, h('figcaption', {}, 'First layer’s weights'), e.weights),
        h('figure', { class: 'card pane' }, h('figcaption', {}, 'PCA map of the last hidden layer (1 000 test digits)'), e.pca),
        h('figure', { class: 'card pane' }, h('figcaption', {}, 'Confusion matrix (rows: true digit)'), e.confusion),
        h('figure', { class: 'card pane' }, h('figcaption', {}, 'Your sketch, read by the model as it is now'), e.prediction)),
      h('div', { class: 'card pane train-keep' },
        h('h3', {}, 'Keep it'),
        h('div', { class: 'train-buttons' }, e.name, e.save, e.exportBtn),
        e.saved,
        h('h3', {}, 'Your models'),
        e.models,
        e.used),
    );
    e.start.addEventListener('click', () => void this.start());
    e.pause.addEventListener('click', () => void this.control(e.pause.textContent === 'Pause' ? 'pause' : 'resume'));
    e.stop.addEventListener('click', () => void this.control('stop'));
    e.save.addEventListener('click', () => void this.save());
    e.exportBtn.addEventListener('click', () => void this.download());
    this.check();
    void this.refreshModels();
    window.addEventListener(MODELS_CHANGED, () => void this.refreshModels()); // opened or removed in the Settings tab
    void this.offerResume();
  }

  update(a: Analysis | null): void {
    if (!this.client || !a || !(this.running || this.lastEpoch)) return;
    this.predictedAt = performance.now();
    void this.client
      .trainPredict(a.result.input)
      .then((p) => (this.el.prediction.textContent = `${p.digit} (${pct(p.probs[p.digit])})`))
      .catch(() => undefined);
  }

  /** The form as a config, or the reason it is impossible. */
  private read(): { config: TrainConfig; params: number } | { error: string } {
    const e = this.el;
    const arch: TrainArch =
      e.model.value === 'mlp'
        ? { kind: 'mlp', hidden: numbers(e.hidden.value), activation: e.activation.value as 'tanh' }
        : { kind: 'cnn', channels: numbers(e.channels.value), dense: Number(e.dense.value) };
    const raw = {
      arch,
      optimizer: e.optimizer.value,
      lr: e.lr.value.trim() === '' ? NaN : Number(e.lr.value),
      batch: Number(e.batch.value),
      epochs: Number(e.epochs.value),
      augment: e.augment.checked,
      seed: Number(e.seed.value),
    };
    try {
      const { config, params } = checkTrainConfig(raw);
      return { config, params };
    } catch (err) {
      return { error: errorText(err) };
    }
  }

  private check(): void {
    const r = this.read();
    this.el.params.textContent = 'config' in r ? `${r.params.toLocaleString('en-US')} parameters` : '';
    this.el.error.textContent = 'error' in r ? r.error : '';
    this.el.start.disabled = this.running;
  }

  private async api(): Promise<SeeingDigitsClient> {
    if (!this.client) {
      const client = spawnClient();
      // Its own worker: no models, only the engine's wasm (training runs on a fresh SIMD engine instance).
      await client.init({ models: {}, wasm: { simd: new URL('../wasm/engine.wasm', document.baseURI).href } });
      this.client = client;
    }
    return this.client;
  }

  private async start(resume?: TrainCheckpoint): Promise<void> {
    const r = resume ? { config: resume.config } : this.read();
    if ('error' in r) {
      this.el.error.textContent = r.error; // refused before anything runs
      return;
    }
    this.el.error.textContent = '';
    this.el.status.textContent = 'loading MNIST…';
    this.el.threads.textContent = '';
    delete this.el.threads.dataset.threads;
    this.el.start.disabled = true;
    this.shown = ++this.tickets; // 'loading MNIST…' is this run's: an older poll's answer must not replace it
    try {
      const api = await this.api();
      const threads = this.el.cores.checked ? 2 : 1;
      const plan = await api.trainStart(r.config, { mnist: new URL('../mnist/', document.baseURI).href, threads, ...(resume ? { resume } : {}) });
      this.el.threads.textContent = plan.threads === 2 ? ' on 2 threads' : threads === 2 ? ` on 1 thread (${plan.threadsNote ?? 'no second thread'})` : ' on 1 thread';
      this.el.threads.dataset.threads = String(plan.threads);
      this.epochs = r.config.epochs;
      this.batchesPerEpoch = plan.batchesPerEpoch;
      if (!resume) this.curves = { loss: [], val: [] };
      this.running = true;
      this.el.resumeOffer.hidden = true;
      this.el.pause.disabled = this.el.stop.disabled = false;
      this.el.pause.textContent = 'Pause';
      this.el.status.textContent = `epoch ${plan.epoch} of ${this.epochs}: starting (${plan.params.toLocaleString('en-US')} parameters, ${plan.trainCount.toLocaleString('en-US')} training digits)`;
      clearInterval(this.timer);
      this.timer = setInterval(() => void this.poll(), POLL_MS);
    } catch (err) {
      this.el.error.textContent = errorText(err);
      this.el.status.textContent = 'not started';
      this.el.start.disabled = false;
    }
  }

  private async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    if (!this.client) return;
    const ticket = ++this.tickets;
    const s = await this.client.trainControl(action).catch((err) => (this.el.error.textContent = errorText(err), null));
    if (!s) return;
    if (!this.showStatus(s, ticket)) return;
    this.el.pause.textContent = s.state === 'paused' ? 'Resume' : 'Pause';
    // Stopped: the form is free at once (not at the next poll, 200 ms on: a Train click in between was lost).
    if (s.state !== 'running' && s.state !== 'paused') this.finish();
  }

  /**
   * One poll at a time. Overlapping polls froze the view: a poll holding the last epoch (its checkpoint being stored
   * in IndexedDB, a second or more for a CNN) finished after a later one had seen 'done' and stopped the timer, and
   * wrote its older 'running' status over it, with nothing left to correct it.
   */
  private async poll(): Promise<void> {
    if (!this.client || this.polling) return;
    this.polling = true;
    try {
      await this.pollOnce(this.client);
    } finally {
      this.polling = false;
    }
  }

  private async pollOnce(client: SeeingDigitsClient): Promise<void> {
    let u;
    const ticket = ++this.tickets;
    try {
      u = await client.trainPoll();
    } catch (err) {
      this.finish(`the training worker failed (${errorText(err)}); the last finished epoch is kept: resume it below`);
      return;
    }
    try {
      for (const ev of u.events) await this.take(ev);
    } catch (err) {
      // A view that cannot draw an event must not freeze the status line (the run goes on in the worker).
      console.error('Train view:', err);
      this.el.error.textContent = `could not show the latest progress: ${errorText(err)}`;
    }
    if (performance.now() - this.predictedAt > 1000) this.update(this.wb.latest);
    if (!this.showStatus(u.status, ticket)) return; // a later answer is on screen: it decided
    if (u.status.state === 'idle') this.finish('the training worker restarted; the last finished epoch is kept: resume it below');
    else if (!['running', 'paused'].includes(u.status.state)) this.finish();
  }

  private async take(ev: TrainEvent): Promise<void> {
    if (ev.kind === 'batch') {
      const x = ev.epoch - 1 + ev.batch / this.batchesPerEpoch;
      this.curves.loss.push([x, ev.loss]);
      this.el.speed.textContent = `${Math.round(ev.imagesPerSecond).toLocaleString('en-US')} images/s`;
      this.drawCurves();
      return;
    }
    this.lastEpoch = ev;
    this.curves.val.push([ev.log.epoch, ev.log.valAccuracy]);
    this.el.test.textContent = `${(ev.log.testAccuracy * 100).toFixed(2)} %`;
    this.el.speed.textContent = `${Math.round(ev.imagesPerSecond).toLocaleString('en-US')} images/s`;
    this.drawCurves();
    weightTiles(this.el.weights, ev.firstLayer.weights, ev.firstLayer.shape, this.wb.theme);
    if (ev.pca) scatter(this.el.pca, ev.pca.x, ev.pca.y, ev.pca.labels, 260);
    confusion(this.el.confusion, ev.confusion);
    this.el.save.disabled = this.el.exportBtn.disabled = false;
    this.update(this.wb.latest);
    // The run survives closing the tab from here.
    await saveRun({ checkpoint: ev.checkpoint, curves: this.curves }).catch(() => undefined);
  }

  private drawCurves(): void {
    const w = 300;
    lineChart(this.el.loss, [{ points: this.curves.loss, color: '#e15759' }], { w, h: 160, xLabel: 'epoch', yFormat: (v) => v.toFixed(1) });
    lineChart(this.el.val, [{ points: [[0, 0.1], ...this.curves.val], color: '#4e79a7' }], { w, h: 160, xLabel: 'epoch', yRange: [0, 1], yFormat: (v) => `${Math.round(v * 100)}%` });
  }

  /** Shows `s` unless the status of a request sent after `ticket` is on screen; says whether it did. */
  private showStatus(s: TrainStatus, ticket: number): boolean {
    if (ticket < this.shown) return false;
    this.shown = ticket;
    const where = `epoch ${Math.max(1, s.epoch)} of ${s.epochs || this.epochs}, batch ${s.batch}/${s.batchesPerEpoch}`;
    const what = { idle: 'no run', running: 'training', paused: 'paused', done: 'done', stopped: 'stopped', failed: `failed: ${s.error ?? ''}` }[s.state];
    this.el.status.textContent = s.state === 'done' ? `done: epoch ${s.epochs} of ${s.epochs}` : `${what}: ${where}`;
    return true;
  }

  private finish(message?: string): void {
    clearInterval(this.timer);
    this.running = false;
    this.el.pause.disabled = this.el.stop.disabled = true;
    this.el.start.disabled = false;
    if (message) {
      this.el.error.textContent = message;
      void this.offerResume(); // the last finished epoch is in IndexedDB
    }
    if (this.lastEpoch && this.lastEpoch.log.epoch >= this.epochs) void clearRun().catch(() => undefined);
  }

  private async offerResume(): Promise<void> {
    const run = await loadRun().catch(() => undefined);
    if (!run || run.checkpoint.epoch >= run.checkpoint.config.epochs) return;
    const c = run.checkpoint;
    const btn = h('button', { type: 'button', 'data-testid': 'train-resume' }, 'Resume');
    const drop = h('button', { type: 'button' }, 'Discard');
    btn.addEventListener('click', () => {
      this.curves = run.curves;
      void this.start(c);
    });
    drop.addEventListener('click', () => void clearRun().then(() => (this.el.resumeOffer.hidden = true)));
    this.el.resumeOffer.replaceChildren(`A run stopped after epoch ${c.epoch} of ${c.config.epochs} (${new Date(run.savedAt).toLocaleString()}). `, btn, ' ', drop);
    this.el.resumeOffer.hidden = false;
  }

  private async save(): Promise<void> {
    if (!this.client) return;
    try {
      const files = await this.client.trainModel();
      const info = await saveModel(this.el.name.value, files, { source: 'trained', testAccuracy: this.lastEpoch?.log.testAccuracy });
      this.el.saved.textContent = `Saved as “${info.name}” (${mb(info.bytes)}): choose it in the popup’s or the explorer’s settings.`;
      await this.refreshModels();
      window.dispatchEvent(new Event(MODELS_CHANGED)); // the Settings tab's list and picker
    } catch (err) {
      this.el.saved.textContent = errorText(err);
    }
  }

  private async download(): Promise<void> {
    if (!this.client) return;
    const { modelJson, weights } = await this.client.trainModel();
    const get = (name: string, blob: Blob) => {
      const a = h('a', { href: URL.createObjectURL(blob), download: name });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    };
    get('model.json', new Blob([JSON.stringify(modelJson)], { type: 'application/json' }));
    get(SHARD_NAME, new Blob([weights], { type: 'application/octet-stream' }));
  }

  private async refreshModels(): Promise<void> {
    const models = await listModels().catch(() => []);
    this.el.models.replaceChildren(
      ...models.map((m) => {
        const del = h('button', { type: 'button', 'data-testid': 'train-delete', 'aria-label': `Delete ${m.name}` }, 'Delete');
        del.addEventListener('click', () => void deleteModel(m.name).then(() => window.dispatchEvent(new Event(MODELS_CHANGED))));
        const acc = m.testAccuracy === undefined ? '' : `, ${(m.testAccuracy * 100).toFixed(2)} % test accuracy`;
        return h('li', { 'data-name': m.name }, `${m.name} — ${m.params.toLocaleString('en-US')} parameters, ${mb(m.bytes)}${acc} `, del);
      }),
    );
    if (!models.length) this.el.models.append(h('li', {}, 'None yet.'));
    const used = models.reduce((n, m) => n + m.bytes, 0);
    this.el.used.textContent = `${mb(used)} of ${mb(MAX_STORE_BYTES)} used.`;
  }
}
