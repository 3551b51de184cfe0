import { describe, expect, it } from 'vitest';
import { LatestOnly, type FrameClock } from '../../extension/ui/scheduler.ts';

/** A frame clock advanced by hand. */
function manualClock() {
  const queue: (() => void)[] = [];
  const clock: FrameClock = { request: (cb) => queue.push(cb) };
  return { clock, frame: () => queue.splice(0).forEach((cb) => cb()), pending: () => queue.length };
}

/** A run whose completions the test controls. */
function controlledRun() {
  const finishes: (() => void)[] = [];
  let starts = 0;
  const run = () => {
    starts++;
    return new Promise<void>((res) => finishes.push(res));
  };
  return { run, starts: () => starts, finish: async () => { finishes.shift()?.(); await new Promise((r) => setTimeout(r, 0)); } };
}

describe('LatestOnly', () => {
  it('many requests in one frame → one run', () => {
    const c = manualClock();
    const r = controlledRun();
    const s = new LatestOnly(r.run, c.clock);
    s.request();
    s.request();
    s.request();
    expect(c.pending()).toBe(1);
    c.frame();
    expect(r.starts()).toBe(1);
  });
  it('requests while a run is in flight start exactly one more run after it, never two at once', async () => {
    const c = manualClock();
    const r = controlledRun();
    const s = new LatestOnly(r.run, c.clock);
    s.request();
    c.frame();
    for (let i = 0; i < 5; i++) {
      s.request();
      c.frame();
    }
    expect(r.starts()).toBe(1);
    await r.finish();
    c.frame();
    expect(r.starts()).toBe(2);
    await r.finish();
    c.frame();
    expect(r.starts()).toBe(2); // nothing newer was asked for
    expect(s.busy).toBe(false);
  });
  it('a failing run does not stop later runs', async () => {
    const c = manualClock();
    let n = 0;
    const s = new LatestOnly(async () => {
      n++;
      throw new Error('boom');
    }, c.clock);
    s.request();
    c.frame();
    await new Promise((r) => setTimeout(r, 0));
    s.request();
    c.frame();
    await new Promise((r) => setTimeout(r, 0));
    expect(n).toBe(2);
  });
  it('after dispose nothing runs', () => {
    const c = manualClock();
    const r = controlledRun();
    const s = new LatestOnly(r.run, c.clock);
    s.request();
    s.dispose();
    c.frame();
    expect(r.starts()).toBe(0);
  });
});

describe('LatestOnly.request(now)', () => {
  it('idle: starts at once without waiting for a frame', () => {
    const c = manualClock();
    const r = controlledRun();
    const s = new LatestOnly(r.run, c.clock);
    s.request(true);
    expect(r.starts()).toBe(1);
  });
  it('busy: still waits for the run in flight, then runs once', async () => {
    const c = manualClock();
    const r = controlledRun();
    const s = new LatestOnly(r.run, c.clock);
    s.request(true);
    s.request(true);
    expect(r.starts()).toBe(1);
    await r.finish();
    c.frame();
    expect(r.starts()).toBe(2);
  });
  it('a frame already pending does not cause a second run after an immediate start', async () => {
    const c = manualClock();
    const r = controlledRun();
    const s = new LatestOnly(r.run, c.clock);
    s.request();
    s.request(true);
    c.frame();
    expect(r.starts()).toBe(1);
  });
});
