/** The explorer page: the workbench with room to breathe, plus layer maps, units, comparison, training, settings. */
import '../ui/base.css';
import './explorer.css';
import './views.css';
import type { ModelId } from '../../worker/api.ts';
import { settingsForm } from '../ui/settings-form.ts';
import { Workbench } from '../ui/workbench/workbench.ts';
import { Ablation } from './ablation.ts';
import { AblationView } from './ablation-view.ts';
import { CompareView } from './compare-view.ts';
import { LayerMapView } from './layer-map-view.ts';
import { TestSetView } from './testset-view.ts';
import { UnitsView } from './units-view.ts';
import { SaliencyView } from './saliency-view.ts';
import { TrainView } from './train-view.ts';
import { together, type View } from './view.ts';

const VIEWS = ['layers', 'saliency', 'pca', 'neurons', 'compare', 'train', 'settings'] as const;
type ViewName = (typeof VIEWS)[number];

async function main(): Promise<void> {
  const wb = await Workbench.create(document.body, {
    tabs: false,
    replica: true,
    layers: {
      mlp: { maxWidth: 400, maxCell: 22, logitCell: 30, mapHeight: 220, maxScale: 3, onPick: (l, u) => pick('mlp', l.name, u) },
      cnn: { maxWidth: 400, maxCell: 12, logitCell: 30, mapHeight: 220, maxScale: 3, onPick: (l, u) => pick('cnn', l.name, u) },
    },
  });
  const ablation = new Ablation();
  const ablationView = new AblationView(wb, wb.q('ablation'), ablation);
  const units = new UnitsView(wb, wb.q('units'), ablation);
  const views: Partial<Record<ViewName, View>> = {
    layers: ablationView,
    saliency: new SaliencyView(wb, wb.q('saliency-grid')),
    pca: new LayerMapView(wb, wb.q('layer-maps')),
    neurons: units,
    compare: together(new CompareView(wb, wb.q('compare')), new TestSetView(wb, wb.q('testset'), () => ablation.hooks() ?? {})),
  };
  // Built when first shown: it starts nothing (no worker, no MNIST) until a run starts.
  let train: TrainView | undefined;
  Object.defineProperty(views, 'train', { enumerable: true, get: () => (train ??= new TrainView(wb, wb.q('train'))) });
  wb.q('settings').append(settingsForm(wb.settings, wb.engine));
  let current: ViewName = 'layers';

  function show(name: ViewName): void {
    current = name;
    for (const v of VIEWS) {
      document.querySelector<HTMLElement>(`section.view[data-view="${v}"]`)!.hidden = v !== name;
      document.querySelector(`.tabs [data-view="${v}"]`)!.setAttribute('aria-selected', String(v === name));
    }
    if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
    views[name]?.update(wb.latest);
  }

  function openNeuron(model: ModelId, layer: string, unit: number): void {
    units.select(model, layer, unit);
    show('neurons');
  }

  /** A click on a layer's unit: switch it off while ablation clicks are on, else open it. */
  function pick(model: ModelId, layer: string, unit: number): void {
    if (!(ablationView.armed && ablationView.toggle(model, layer, unit))) openNeuron(model, layer, unit);
  }

  wb.subscribe((a) => views[current]?.update(a));
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs [data-view]')) {
    b.addEventListener('click', () => show(b.dataset.view as ViewName));
  }
  const fromHash = location.hash.slice(1) as ViewName;
  show(VIEWS.includes(fromHash) ? fromHash : 'layers');
}

void main();
