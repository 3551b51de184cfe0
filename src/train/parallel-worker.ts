/**
 * A worker thread of data-parallel training (see parallel.ts): one replica of rank ≥ 1 (parallel-replica.ts), which
 * waits for each command at GO and meets the barriers blocking.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { barrier, COMMAND, CTL, waitWhile, type ParallelWorkerData } from './parallel-protocol.ts';
import { Replica } from './parallel-replica.ts';

const d = workerData as ParallelWorkerData;
const replica = await Replica.create(d);
const ctl = new Int32Array(d.shared.ctl);

let seen = Atomics.load(ctl, CTL.go); // before saying ready: the first GO may come right after
parentPort!.postMessage('ready');
for (;;) {
  waitWhile(ctl, CTL.go, seen, d.spin);
  seen = Atomics.load(ctl, CTL.go);
  const command = Atomics.load(ctl, CTL.command);
  if (command === COMMAND.stop) break;
  for (const b of replica.run(command)) barrier(ctl, b, d.workers, d.spin);
}
