/**
 * The shipped models (extension/models/<id>/), declared once: their ids, and the input and output both share —
 * an MNIST digit, 28×28 pixels of one channel, in, and the 10 digit classes out.
 */
export const MODEL_IDS = ['mlp', 'cnn'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export function isModelId(v: unknown): v is ModelId {
  return (MODEL_IDS as readonly unknown[]).includes(v);
}

/**
 * A model the user trained or imported, stored in the extension under its name: 'user:' and the name (1 to 64
 * printable characters). The worker holds these beside the shipped ones.
 */
export type UserModelId = `user:${string}`;
export const USER_MODEL_PREFIX = 'user:';

export function isUserModelId(v: unknown): v is UserModelId {
  return typeof v === 'string' && v.startsWith(USER_MODEL_PREFIX) && isModelName(v.slice(USER_MODEL_PREFIX.length));
}

/** A user model's name: 1 to 64 characters, no control characters, not only spaces. */
export function isModelName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length >= 1 && name.length <= 64 && name.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(name);
}

/** Side of the square input image, in pixels. */
export const IMAGE_SIDE = 28;
/** Input values per digit: IMAGE_SIDE² (one channel). */
export const INPUT_SIZE = IMAGE_SIDE * IMAGE_SIDE;
/** Input shape without the batch dimension (NHWC). */
export const INPUT_SHAPE = [IMAGE_SIDE, IMAGE_SIDE, 1] as const;
/** Output classes: the digits 0–9. */
export const CLASSES = 10;
