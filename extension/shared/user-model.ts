/**
 * Which stored model the user chose (settings.userModel) and where it goes: the popup, the page panel and the
 * explorer show two models side by side, the MLP and the CNN; a chosen model takes the place of the shipped one of
 * its kind (a first Conv2D layer makes it a CNN), so every view that shows the shipped model shows it instead.
 */
import type { ModelSource, ShippedModelId } from '../../worker/api.ts';
import { parseTopology } from '../../src/model/format.ts';
import { loadSettings, openStore } from './settings.ts';
import { modelSource } from './models-store.ts';

export interface UserChoice {
  name: string;
  slot: ShippedModelId;
}

/** The slot a model's files belong in. */
export function slotOf(modelJson: unknown): ShippedModelId {
  return parseTopology(modelJson).layers.some((l) => l.kind === 'Conv2D') ? 'cnn' : 'mlp';
}

/** The chosen stored model (`given`, else from settings) with its files, or undefined when none is or it was deleted. */
export async function chosenUserModel(given?: string | null): Promise<(UserChoice & { source: ModelSource }) | undefined> {
  const name = given !== undefined ? given : (await loadSettings(await openStore())).userModel;
  const source = name ? await modelSource(name) : undefined;
  if (!name || !source || !('modelJson' in source)) return undefined;
  return { name, slot: slotOf(source.modelJson), source };
}
