/**
 * PyTorch (CPU, one thread) as a benchmark peer: bench/torch_peer.py in a child process, when /usr/bin/python3 can
 * import torch. Each block is timed inside Python (perf_counter around the calls), so the pipe costs nothing; blocks
 * are requested one at a time, interleaved with the other engines'.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CLOCK } from './rows.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));

/** Why PyTorch cannot run here, or undefined when it can. */
export function torchMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) return undefined;
  return `${PYTHON} cannot import torch (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
}

export class TorchPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: AsyncIterator<string>;
  private queue: Promise<unknown> = Promise.resolve();

  /** `modelsDir` holds mlp/ and cnn/ (TensorFlow.js model folders); `inputsFile` the bench's inputs (see the script). */
  constructor(modelsDir: string, inputsFile: string) {
    this.child = spawn(PYTHON, [SCRIPT, modelsDir, inputsFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d) => process.stderr.write(`[pytorch] ${d}`));
    this.replies = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  private ask<T>(req: object): Promise<T> {
    const run = this.queue.then(async () => {
      this.child.stdin.write(JSON.stringify(req) + '\n');
      const { value, done } = await this.replies.next();
      if (done) throw new Error('pytorch: the child process ended');
      const reply = JSON.parse(value) as T & { error?: string };
      if (reply.error) throw new Error(`pytorch: ${reply.error}`);
      return reply;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  logits(model: string): Promise<number[]> {
    return this.ask<{ logits: number[] }>({ cmd: 'logits', model }).then((r) => r.logits);
  }

  /** Milliseconds for n calls of a case (see torch_peer.py for what each case does). */
  time(kase: string, model: string, n: number, target = 0): Promise<number> {
    return this.ask<{ ms: number }>({ cmd: 'time', case: kase, model, n, target, clock: CLOCK }).then((r) => r.ms);
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
