/**
 * Choosing one of the user's stored models (trained in the explorer's Train view, or opened in the settings form)
 * to see instead of the shipped model of its kind: in the popup and the settings form. The choice is a setting (shared with the page panel and the
 * explorer); the page's engine session restarts with it at once.
 */
import { h } from '../shared/dom.ts';
import { listModels, mb } from '../shared/models-store.ts';
import { MODEL_NAMES } from '../shared/labels.ts';
import { MODELS_CHANGED } from './model-import.ts';
import type { EngineSession } from './workbench/engine-session.ts';
import type { SettingsStore } from './workbench/settings-store.ts';

export function modelChoice(store: SettingsStore, engine?: EngineSession): HTMLElement {
  const select = h('select', { 'data-testid': 'model-choice', 'aria-label': 'Models' }, h('option', { value: '' }, 'Shipped MLP and CNN'));
  const note = h('small', { class: 'model-choice-note', 'data-testid': 'model-choice-note' });
  const showNote = () => {
    const u = engine?.current?.userModel;
    note.textContent = u ? `“${u.name}” is shown as the ${MODEL_NAMES[u.slot]}.` : '';
  };
  const fill = () =>
    listModels()
      .then((models) => {
        select.replaceChildren(select.options[0]);
        for (const m of models) select.append(h('option', { value: m.name }, `${m.name} (${m.source}, ${m.params.toLocaleString('en-US')} parameters, ${mb(m.bytes)})`));
        select.value = models.some((m) => m.name === store.value.userModel) ? store.value.userModel! : '';
      })
      .catch(() => undefined);
  void fill();
  window.addEventListener(MODELS_CHANGED, () => void fill()); // a model opened or removed in the settings form
  select.addEventListener('change', async () => {
    await store.update({ userModel: select.value || null });
    await engine?.switch().catch(() => undefined); // the engine status says why if it fails
  });
  engine?.onChange(showNote);
  showNote();
  return h('span', { class: 'model-choice' }, select, note);
}
