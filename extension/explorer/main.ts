/** The explorer page: the workbench with room to breathe, plus PCA map, neuron explorer, comparison, settings. */
import '../ui/base.css';
import './explorer.css';
import { Workbench } from '../ui/workbench.ts';
import type { Analysis } from '../ui/live.ts';
import { SaliencyView } from './saliency-view.ts';
import { CompareView } from './compare-view.ts';
import { SettingsView } from './settings-view.ts';
import { PcaView } from './pca-view.ts';
import { NeuronView } from './neuron-view.ts';

export interface View {
  /** Called when the view becomes visible and after every analysis while it is. */
  update(a: Analysis | null): void;
}

const VIEWS = ['layers', 'saliency', 'pca', 'neurons', 'compare', 'settings'] as const;
type ViewName = (typeof VIEWS)[number];

async function main(): Promise<void> {
  const wb = await Workbench.create(document.body, {
    tabs: false,
    layers: {
      mlp: { maxWidth: 400, maxCell: 22, logitCell: 30, mapHeight: 220, maxScale: 3, onPick: (l, u) => openNeuron('mlp', l.name, u) },
      cnn: { maxWidth: 400, maxCell: 12, logitCell: 30, mapHeight: 220, maxScale: 3, onPick: (l, u) => openNeuron('cnn', l.name, u) },
    },
  });
  const neurons = new NeuronView(wb, wb.q('neurons'));
  const views: Partial<Record<ViewName, View>> = {
    saliency: new SaliencyView(wb, wb.q('saliency-grid')),
    pca: new PcaView(wb, wb.q('pca'), wb.q('pca-model')),
    neurons,
    compare: new CompareView(wb, wb.q('compare')),
    settings: new SettingsView(wb, wb.q('settings')),
  };
  let current: ViewName = 'layers';

  function show(name: ViewName): void {
    current = name;
    for (const v of VIEWS) {
      document.querySelector<HTMLElement>(`section.view[data-view="${v}"]`)!.hidden = v !== name;
      document.querySelector(`.tabs [data-view="${v}"]`)!.setAttribute('aria-selected', String(v === name));
    }
    if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
    views[name]?.update(wb.last);
  }

  function openNeuron(model: 'mlp' | 'cnn', layer: string, unit: number): void {
    neurons.select(model, layer, unit);
    show('neurons');
  }

  wb.onAnalysis((a) => views[current]?.update(a));
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs [data-view]')) {
    b.addEventListener('click', () => show(b.dataset.view as ViewName));
  }
  const fromHash = location.hash.slice(1) as ViewName;
  show(VIEWS.includes(fromHash) ? fromHash : 'layers');
}

void main();
