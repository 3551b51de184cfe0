/** Small guards shared by every context: one `isObj`, one way to turn anything thrown into a readable line. */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An error (or anything thrown) as one readable line. */
export function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^Error: /, '') || 'unknown error';
}
