/**
 * Runs the worker and reads images with the extension's own rights. Lives where a Worker can be created: the
 * offscreen document in Chrome, the background page in Firefox. One worker, started on first use and kept; it
 * follows the engine and saliency method the user chose (AnalyzePrefs, read from settings by the background).
 */
import { MODEL_IDS, type AnalyzeOptions, type EngineChoice } from '../../worker/api.ts';
import type { SeeingDigitsClient } from '../../worker/client.ts';
import type { RgbaImage } from '../../src/preprocess/types.ts';
import type { AnalyzeOutcome, AnalyzePrefs, ImageSource } from '../messages.ts';
import { decodePixels } from '../messages.ts';
import { fetchImage, ImageReadError } from '../shared/image.ts';
import { errorOutcome, toOutcome } from '../shared/outcome.ts';
import { errorText } from '../shared/errors.ts';
import { spawnClient, startSession } from '../shared/session.ts';

let client: Promise<{ client: SeeingDigitsClient; engine: EngineChoice; userModel: string | null }> | null = null;

/** The worker client, started once (the client itself restarts a crashed worker), on the engine `choice`. */
async function engineFor(choice: EngineChoice, userModel: string | null): Promise<SeeingDigitsClient> {
  client ??= (async () => {
    const c = spawnClient();
    await startSession(c, choice, userModel);
    return { client: c, engine: choice, userModel };
  })().catch((e: unknown) => {
    client = null; // let the next click try again
    throw e;
  });
  const current = await client;
  if (current.userModel !== userModel) {
    await startSession(current.client, choice, userModel); // the user picked another of their models
    Object.assign(current, { engine: choice, userModel });
  }
  if (current.engine !== choice) {
    await current.client.init({ engine: choice }); // the user picked another engine in the popup
    current.engine = choice;
  }
  return current.client;
}

/** What the panel shows: both models, and where each looked. */
const panelAnalysis = (prefs: AnalyzePrefs): AnalyzeOptions => ({ models: [...MODEL_IDS], saliency: prefs.saliency });

async function readSource(source: ImageSource): Promise<RgbaImage> {
  if (source.kind === 'pixels') {
    const { width, height, data } = source.image;
    return { width, height, data: decodePixels(data) };
  }
  return fetchImage(source.url);
}

/** Reads the image (a fetch here has the extension's host permissions) and analyses it with both models. */
export async function analyzeSource(source: ImageSource, prefs: AnalyzePrefs): Promise<AnalyzeOutcome> {
  let image: RgbaImage;
  try {
    image = await readSource(source);
  } catch (e) {
    if (e instanceof ImageReadError) return errorOutcome('unreadable', `Cannot read this image: ${e.message}.`);
    // fetch rejects with a TypeError for network and CORS failures alike
    return errorOutcome('cross-origin', `Cannot read this image: ${errorText(e)}.`);
  }
  try {
    const api = await engineFor(prefs.engine, prefs.userModel ?? null);
    return toOutcome(await api.analyze({ kind: 'image', image }, panelAnalysis(prefs)), image);
  } catch (e) {
    return errorOutcome('engine', `The models could not run: ${errorText(e)}`);
  }
}
