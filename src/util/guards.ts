/** Narrowing values of unknown type, declared once: parsed JSON and messages (isObj), and whatever a catch caught. */

/** A plain object (not null, not an array): the shape of a JSON object or a structured-cloned message. */
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What was thrown, as an Error (a thrown string or value becomes the message). */
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** What was thrown, as text for a message: an Error's message, or the value itself. */
export const errorText = (e: unknown): string => asError(e).message;
