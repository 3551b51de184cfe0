/**
 * The shape of what the models read and say: a 28×28 grey image, ten classes. The extension's views and message
 * validators size their arrays from these (mirrors INPUT_SIZE in worker/validate.ts).
 */
export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
export const CLASSES = 10;
