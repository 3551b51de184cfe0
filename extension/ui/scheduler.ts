/**
 * "Latest only" scheduling for live analysis while drawing: at most one analysis in flight, requests coalesced to
 * one per animation frame, and when a run finishes with newer input waiting, exactly one more run starts.
 * Stale inputs are never queued, so the UI never falls behind the pen.
 */
export interface FrameClock {
  request(cb: () => void): unknown;
}

export const animationFrames: FrameClock = {
  request: (cb) => requestAnimationFrame(() => cb()),
};

export class LatestOnly {
  private dirty = false;
  private framePending = false;
  private running = false;
  private disposed = false;

  /** `run` takes the newest input itself (e.g. reads the canvas) when it starts. */
  constructor(
    private readonly run: () => Promise<void>,
    private readonly clock: FrameClock = animationFrames,
  ) {}

  /**
   * Marks the input changed; schedules a run at the next frame unless one is pending or in flight. `now`: start
   * without waiting for a frame if nothing is in flight (a stroke just ended: no more input is coming this frame).
   */
  request(now = false): void {
    this.dirty = true;
    if (now && !this.running && !this.disposed) void this.start();
    else this.schedule();
  }

  get busy(): boolean {
    return this.running || this.framePending;
  }

  dispose(): void {
    this.disposed = true;
  }

  private schedule(): void {
    if (this.framePending || this.running || this.disposed || !this.dirty) return;
    this.framePending = true;
    this.clock.request(() => {
      this.framePending = false;
      void this.start();
    });
  }

  private async start(): Promise<void> {
    // A frame callback may still be pending after an immediate start; it then finds nothing to do.
    if (this.running || this.disposed || !this.dirty) return;
    this.dirty = false;
    this.running = true;
    try {
      await this.run();
    } catch {
      // `run` reports its own errors; the scheduler only keeps going.
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
