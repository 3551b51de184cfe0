/** The popup: sketch a digit, watch both models predict and explain it live. */
import '../ui/base.css';
import './popup.css';
import { Workbench } from '../ui/workbench/workbench.ts';

// Width available to one layer view inside the activations panel (456 px column − padding − scrollbar).
const WIDTH = 420;

async function main(): Promise<void> {
  const wb = await Workbench.create(document.body, {
    tabs: true,
    layers: {
      mlp: { maxWidth: WIDTH, maxCell: 13, mapHeight: 120, maxScale: 3 },
      // Pooling outputs repeat the conv maps at half size: the explorer shows them, the popup saves the room.
      cnn: { maxWidth: WIDTH, maxCell: 8, mapHeight: 100, maxScale: 3, include: (l) => l.kind !== 'Flatten' && l.kind !== 'MaxPooling2D' },
    },
  });
  wb.q('open-explorer').addEventListener('click', () => openExplorer());
}

async function openExplorer(): Promise<void> {
  const url = new URL('../explorer/index.html', document.baseURI).href;
  const g = globalThis as { chrome?: { runtime?: { id?: string } }; browser?: { runtime?: { id?: string } } };
  if (g.chrome?.runtime?.id || g.browser?.runtime?.id) {
    const { default: browser } = await import('webextension-polyfill');
    await browser.tabs.create({ url });
    window.close();
  } else {
    window.open(url, '_blank');
  }
}

void main();
