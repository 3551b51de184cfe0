/**
 * "Open a model…" in the settings form (explorer Settings tab, options page): an .onnx file, or a model.json with
 * its .bin shards, converted in the page (shared/import-model.ts) and kept in the models store as imported, under a
 * name the user may change. Below it, the stored models (trained and imported) with their size, each removable.
 * Every refusal is shown in the form; nothing is stored then.
 */
import { h } from '../shared/dom.ts';
import { errorText } from '../shared/errors.ts';
import { importModel, type ImportedModel } from '../shared/import-model.ts';
import { deleteModel, listModels, MAX_STORE_BYTES, mb, saveModel, usedBytes } from '../shared/models-store.ts';
import { isModelName } from '../../src/model/shipped.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { slotOf } from '../shared/user-model.ts';
import type { EngineSession } from './workbench/engine-session.ts';
import type { SettingsStore } from './workbench/settings-store.ts';

/** Sent on window when the stored models change, so the pickers on the page list them again. */
export const MODELS_CHANGED = 'sd:models-changed';

export function modelImport(store: SettingsStore, engine?: EngineSession): HTMLElement {
  const file = h('input', { type: 'file', multiple: true, accept: '.onnx,.json,.bin', 'data-testid': 'import-file', 'aria-label': 'Open a model' });
  const name = h('input', { type: 'text', maxlength: 64, 'data-testid': 'import-name', 'aria-label': 'Name of the model', placeholder: 'Name' });
  const add = h('button', { type: 'button', class: 'btn', disabled: true, 'data-testid': 'import-add' }, 'Add model');
  const status = h('p', { class: 'import-status', role: 'status', 'data-testid': 'import-status' });
  const list = h('ul', { class: 'stored-models', 'data-testid': 'stored-models' });
  const used = h('small', { 'data-testid': 'stored-used' });
  let picked: ImportedModel | undefined;

  const say = (text: string, error = false) => {
    status.textContent = text;
    status.classList.toggle('import-status--error', error);
  };
  const changed = () => window.dispatchEvent(new Event(MODELS_CHANGED));

  file.addEventListener('change', async () => {
    picked = undefined;
    add.disabled = true;
    const files = [...(file.files ?? [])];
    if (!files.length) return say('');
    say(`Reading ${files.map((f) => f.name).join(', ')}…`);
    try {
      // Sizes first: a file far beyond the store is refused before it is read into memory.
      const total = files.reduce((n, f) => n + f.size, 0);
      if (total > MAX_STORE_BYTES) throw new Error(`${files.map((f) => f.name).join(', ')}: ${mb(total)}, more than the ${mb(MAX_STORE_BYTES)} kept for your models.`);
      const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      picked = importModel(read, MAX_STORE_BYTES);
      name.value = picked.name;
      add.disabled = false;
      say(`${picked.params.toLocaleString('en-US')} parameters, ${mb(picked.bytes)}; it will be shown as the ${MODEL_NAMES[slotOf(picked.modelJson)]}. Name it and add it.`);
    } catch (e) {
      say(errorText(e), true);
    }
  });

  add.addEventListener('click', async () => {
    if (!picked) return;
    const chosen = name.value.trim();
    if (!isModelName(chosen)) return say('A model name needs 1 to 64 characters (no control characters).', true);
    try {
      if ((await listModels()).some((m) => m.name === chosen)) {
        return say(`A model named “${chosen}” is already stored: choose another name, or remove that one first.`, true);
      }
      await saveModel(chosen, { modelJson: picked.modelJson, weights: picked.weights }, { source: 'imported' });
      say(`Added “${chosen}”. Choose it under Models to see it instead of the shipped ${MODEL_NAMES[slotOf(picked.modelJson)]}.`);
      picked = undefined;
      add.disabled = true;
      file.value = '';
      changed();
    } catch (e) {
      say(errorText(e), true);
    }
  });

  async function refresh(): Promise<void> {
    const models = await listModels().catch(() => []);
    list.replaceChildren(
      ...models.map((m) => {
        const remove = h('button', { type: 'button', 'data-testid': 'stored-remove', 'aria-label': `Remove ${m.name}` }, 'Remove');
        remove.addEventListener('click', async () => {
          await deleteModel(m.name);
          if (store.value.userModel === m.name) {
            await store.update({ userModel: null });
            await engine?.switch().catch(() => undefined);
          }
          changed();
        });
        return h('li', { 'data-name': m.name }, h('b', {}, m.name), ` — ${m.source}, ${m.params.toLocaleString('en-US')} parameters, ${mb(m.bytes)} `, remove);
      }),
    );
    if (!models.length) list.append(h('li', {}, 'None yet.'));
    used.textContent = `${mb(await usedBytes().catch(() => 0))} of ${mb(MAX_STORE_BYTES)} used.`;
  }
  window.addEventListener(MODELS_CHANGED, () => void refresh());
  void refresh();

  return h(
    'div',
    { class: 'model-import' },
    h('label', { class: 'model-import__pick' }, 'Open a model… ', file),
    h('small', {}, 'An .onnx file (PyTorch: torch.onnx.export), or a model.json together with its .bin weight files (TensorFlow.js, Keras through its converter).'),
    h('div', { class: 'model-import__row' }, name, add),
    status,
    h('div', { class: 'label' }, 'Stored models ', used),
    list,
  );
}
