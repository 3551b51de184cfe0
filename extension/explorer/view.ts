/**
 * A view of the explorer is one module: it gets the `WorkbenchContext` (the latest analysis, a subscription, the
 * page's settings, engine and tooltip) and its host element, and is told when it becomes visible.
 */
import type { Analysis } from '../ui/live.ts';

export type { WorkbenchContext } from '../ui/workbench/workbench.ts';

export interface View {
  /** Called when the view becomes visible and after every analysis while it is. */
  update(a: Analysis | null): void;
}

/** Several views sharing one tab, updated in order. */
export function together(...views: View[]): View {
  return { update: (a) => views.forEach((v) => v.update(a)) };
}
