/**
 * Every message between the extension's parts: a discriminated union on a literal `type`, checked on receipt
 * by `parseMessage` (which returns null for anything malformed). Messages cross as JSON in Chrome, so typed arrays
 * travel as plain number arrays and pixels as base64.
 *
 * Who sends what:
 *   background → content:   read-image (reply: ReadImageReply), panel-loading, panel-result, panel-error
 *   content → background:   request-access (the user clicked "Allow" in the panel)
 *   background → offscreen: offscreen-analyze (reply: AnalyzeOutcome; Chrome only)
 *   options → background:   access-granted (retry the click that needed it)
 */
import { MODEL_IDS, SALIENCY_METHODS, type EngineChoice, type ModelId, type SaliencyMethod } from '../worker/api.ts';
import { isObj, type Obj } from './shared/errors.ts';
import { CLASSES, PIXELS } from './shared/digits.ts';
import { ENGINE_KINDS } from '../src/engines/types.ts';
import { isModelName } from '../src/model/shipped.ts';

/** RGBA pixels, row-major, base64-encoded (JSON-safe). */
export interface WireImage {
  width: number;
  height: number;
  data: string;
}

export interface PanelModel {
  id: ModelId;
  digit: number;
  probs: number[];
  /** 28×28 saliency for the predicted digit, or null when the engine gave none. */
  saliency: number[] | null;
  /** How far the input lies from the training digits (worker analyze), when the model ships a typicality fit. */
  typicality?: { distance: number; closest: number; threshold: number; typical: boolean } | null;
}

export interface PanelResult {
  /** The 28×28 input the models saw, [0, 1], ink bright. */
  input: number[];
  models: PanelModel[];
  saliencyMethod: SaliencyMethod | null;
  engine: string;
  ms: number;
  /** A number (several digits in a row): what each model reads, and each digit (see worker/api.ts). */
  number?: { byModel: Partial<Record<ModelId, string>>; agree: boolean };
  digits?: PanelDigit[];
  /** The analysed image's [width, height] (digit boxes are in its pixels), when known. */
  imageSize?: [number, number];
  /** The engine had to be picked again (e.g. a lost WebGL context): what happened. */
  notice?: string;
}

export interface PanelDigit {
  /** [x, y, width, height] in the image's pixels. */
  box: [number, number, number, number];
  input: number[];
  models: PanelModel[];
}

/** The most digits a number may have (src/preprocess/segment.ts MAX_DIGITS). */
const MAX_PANEL_DIGITS = 12;

export const ERROR_KINDS = ['blank', 'several-digits', 'too-large', 'invalid', 'unreadable', 'cross-origin', 'engine'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface PanelError {
  kind: ErrorKind;
  message: string;
  /** For 'cross-origin': the origin the user may allow. */
  origin?: string;
}

export type AnalyzeOutcome = { ok: true; result: PanelResult } | { ok: false; error: PanelError };

export type ImageSource = { kind: 'pixels'; image: WireImage } | { kind: 'url'; url: string };

/** The user's choices that shape an analysis (read from settings by the background: offscreen pages have no storage). */
export interface AnalyzePrefs {
  engine: EngineChoice;
  saliency: { method: SaliencyMethod; steps: number };
  /** A stored model shown instead of the shipped one of its kind (settings.userModel); absent: none. */
  userModel?: string;
}

/** `network`: the page's download failed for network or CORS reasons, the one failure worth a second fetch. */
export type ReadImageReply = { ok: true; image: WireImage } | { ok: false; message: string; network?: boolean };

export type Message =
  | { type: 'sd:read-image'; srcUrl: string }
  | { type: 'sd:panel-loading'; srcUrl: string }
  | { type: 'sd:panel-result'; srcUrl: string; result: PanelResult }
  | { type: 'sd:panel-error'; srcUrl: string; error: PanelError }
  | { type: 'sd:request-access'; origin: string }
  | { type: 'sd:offscreen-analyze'; source: ImageSource; prefs: AnalyzePrefs }
  | { type: 'sd:access-granted'; origin: string };

export type MessageType = Message['type'];

// ---------------------------------------------------------------------------------------------------------------
// Validation: the shape of every field, with limits, so a malformed message is dropped rather than half-used.

const isStr = (v: unknown, max = 1 << 16): v is string => typeof v === 'string' && v.length <= max;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isNums = (v: unknown, len: number): v is number[] => Array.isArray(v) && v.length === len && v.every(isNum);

/** Image URLs we act on: web, data and blob URLs (data: URLs can be long). */
export function isImageUrl(v: unknown): v is string {
  return isStr(v, 16 << 20) && /^(https?:|data:image\/|blob:https?:)/i.test(v);
}

/** An origin we may ask host access for: scheme and host (and port), nothing else. */
export function isWebOrigin(v: unknown): v is string {
  if (!isStr(v, 2048)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v;
  } catch {
    return false;
  }
}

export const MAX_WIRE_SIDE = 4096;

export function isWireImage(v: unknown): v is WireImage {
  if (!isObj(v) || !isInt(v.width, 1, MAX_WIRE_SIDE) || !isInt(v.height, 1, MAX_WIRE_SIDE)) return false;
  // base64 of width·height·4 bytes
  return isStr(v.data, 64 << 20) && v.data.length === 4 * Math.ceil((v.width * v.height * 4) / 3);
}

const METHODS: readonly string[] = SALIENCY_METHODS;
const ENGINES: readonly string[] = ['auto', ...ENGINE_KINDS];

function isPanelModel(v: unknown): v is PanelModel {
  return (
    isObj(v) &&
    (MODEL_IDS as readonly unknown[]).includes(v.id) &&
    isInt(v.digit, 0, CLASSES - 1) &&
    isNums(v.probs, CLASSES) &&
    (v.saliency === null || isNums(v.saliency, PIXELS)) &&
    (v.typicality === undefined || v.typicality === null || isTypicality(v.typicality))
  );
}

function isTypicality(v: unknown): boolean {
  return isObj(v) && isNum(v.distance) && isInt(v.closest, 0, CLASSES - 1) && isNum(v.threshold) && typeof v.typical === 'boolean';
}

export function isPanelResult(v: unknown): v is PanelResult {
  return (
    isObj(v) &&
    isNums(v.input, PIXELS) &&
    Array.isArray(v.models) &&
    v.models.length >= 1 &&
    v.models.length <= 2 &&
    v.models.every(isPanelModel) &&
    (v.saliencyMethod === null || METHODS.includes(v.saliencyMethod as string)) &&
    isStr(v.engine, 64) &&
    isNum(v.ms) &&
    (v.digits === undefined || isPanelNumber(v)) &&
    (v.imageSize === undefined || (isNums(v.imageSize, 2) && v.imageSize.every((n) => n > 0))) &&
    (v.notice === undefined || isStr(v.notice, 300))
  );
}

function isPanelNumber(v: Obj): boolean {
  const { digits, number: n } = v;
  if (!Array.isArray(digits) || digits.length < 2 || digits.length > MAX_PANEL_DIGITS || !isObj(n) || typeof n.agree !== 'boolean') return false;
  const byModel = n.byModel;
  if (!isObj(byModel) || !Object.entries(byModel).every(([id, s]) => (MODEL_IDS as readonly string[]).includes(id) && isStr(s, MAX_PANEL_DIGITS) && /^[0-9]+$/.test(s))) return false;
  return digits.every(
    (d: unknown) =>
      isObj(d) && isNums(d.box, 4) && isNums(d.input, 784) && Array.isArray(d.models) && d.models.length >= 1 && d.models.length <= 2 && d.models.every(isPanelModel),
  );
}

export function isPanelError(v: unknown): v is PanelError {
  return (
    isObj(v) &&
    ERROR_KINDS.includes(v.kind as ErrorKind) &&
    isStr(v.message, 2000) &&
    (v.origin === undefined || isWebOrigin(v.origin))
  );
}

function isImageSource(v: unknown): v is ImageSource {
  if (!isObj(v)) return false;
  if (v.kind === 'pixels') return isWireImage(v.image);
  return v.kind === 'url' && isImageUrl(v.url);
}

function isAnalyzePrefs(v: unknown): v is AnalyzePrefs {
  if (!isObj(v) || !ENGINES.includes(v.engine as string) || !isObj(v.saliency)) return false;
  const user = v.userModel === undefined || (typeof v.userModel === 'string' && isModelName(v.userModel));
  return user && METHODS.includes(v.saliency.method as string) && isInt(v.saliency.steps, 1, 256);
}

export function isAnalyzeOutcome(v: unknown): v is AnalyzeOutcome {
  if (!isObj(v)) return false;
  return v.ok === true ? isPanelResult(v.result) : v.ok === false && isPanelError(v.error);
}

export function isReadImageReply(v: unknown): v is ReadImageReply {
  if (!isObj(v)) return false;
  return v.ok === true ? isWireImage(v.image) : v.ok === false && isStr(v.message, 2000) && (v.network === undefined || typeof v.network === 'boolean');
}

const FIELDS: { [T in MessageType]: (m: Obj) => boolean } = {
  'sd:read-image': (m) => isImageUrl(m.srcUrl),
  'sd:panel-loading': (m) => isImageUrl(m.srcUrl),
  'sd:panel-result': (m) => isImageUrl(m.srcUrl) && isPanelResult(m.result),
  'sd:panel-error': (m) => isImageUrl(m.srcUrl) && isPanelError(m.error),
  'sd:request-access': (m) => isWebOrigin(m.origin),
  'sd:offscreen-analyze': (m) => isImageSource(m.source) && isAnalyzePrefs(m.prefs),
  'sd:access-granted': (m) => isWebOrigin(m.origin),
};

/** The message if it is one of ours and well formed (optionally only of the given types), else null. */
export function parseMessage<T extends MessageType>(v: unknown, types?: readonly T[]): Extract<Message, { type: T }> | null {
  if (!isObj(v) || typeof v.type !== 'string' || !Object.hasOwn(FIELDS, v.type)) return null;
  const type = v.type as MessageType;
  if (types && !types.includes(type as T)) return null;
  return FIELDS[type](v) ? (v as Extract<Message, { type: T }>) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Pixels as base64 (btoa works on "binary strings"; chunked so String.fromCharCode never gets too many arguments).

export function encodePixels(data: Uint8Array | Uint8ClampedArray): string {
  let s = '';
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(s);
}

export function decodePixels(b64: string): Uint8ClampedArray {
  const s = atob(b64);
  const out = new Uint8ClampedArray(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
