/**
 * How long the last stroke end (or undo / clear) took to reach the screen, for tests, the popup benchmark and the
 * curious: `inputToRenderMs` until every view was updated, `inputToFrameMs` until the next frame's callbacks ran,
 * `inFirstFrame` whether that frame is the first to begin after the input (the views were updated before it).
 * Published as `globalThis.__seeingDigits` and `<body data-analyses>` (the analyses counter tests wait on).
 */
import type { Analysis } from '../live.ts';

export class LatencyProbe {
  /** performance.now() of the last stroke end / undo / clear. */
  private inputAt = 0;
  private analyses = 0;
  /** When the first frame after the last input began (null: not yet). */
  private firstFrameAt: number | null = null;
  private watched = false;

  /**
   * The input event's time (a stroke's end: its pointerup's timestamp, not the handler's). `watchFrame`: also note
   * when the first frame after it begins (for inFirstFrame) — only for inputs that need a frame anyway (a click on
   * a button): requesting one after a stroke's end would itself make Chromium hold the worker's answer until that
   * frame is painted (its scheduler defers tasks after input while a frame is pending), adding a frame.
   */
  input(at: number, watchFrame = false): void {
    this.inputAt = at;
    this.firstFrameAt = null;
    this.watched = watchFrame;
    if (!watchFrame) return;
    requestAnimationFrame((t) => {
      if (this.inputAt === at) this.firstFrameAt = t;
    });
  }

  /** An analysis has been drawn, in `renderMs`. */
  rendered(a: Analysis, renderMs: number): void {
    this.analyses++;
    const since = this.inputAt;
    const rendered = performance.now() - since;
    // Drawn before the first frame after the input began: that frame shows it ("within one frame"); null: not watched.
    const inFirstFrame = this.watched ? this.firstFrameAt === null : null;
    requestAnimationFrame(() => {
      const stats = {
        analyses: this.analyses,
        workerMs: a.result.ms,
        roundTripMs: a.roundTrip,
        renderMs,
        inputToRenderMs: since ? rendered : 0,
        inputToFrameMs: since ? performance.now() - since : 0,
        inFirstFrame: since ? inFirstFrame : null,
      };
      (globalThis as { __seeingDigits?: unknown }).__seeingDigits = stats;
      document.body.dataset.analyses = String(this.analyses);
    });
  }
}
