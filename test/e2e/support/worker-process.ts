import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { REPO_ROOT } from '../../../scripts/stack/paths.js';

/**
 * The worker as deployed (src/main/worker.ts in its own process) on the test's task queue, so a test can
 * kill it with SIGKILL mid-activity and start another. Its log goes to test-results/e2e/ (git-ignored).
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  private output = '';
  starts = 0;

  constructor(
    readonly taskQueue: string,
    private readonly logName: string,
    /** Extra environment: the AWS credentials of the worker's own role. */
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    const dir = path.join(REPO_ROOT, 'test-results', 'e2e');
    mkdirSync(dir, { recursive: true });
    const log = createWriteStream(path.join(dir, `${this.logName}-worker-${++this.starts}.log`));
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/main/worker.ts')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        FAILBACK_TASK_QUEUE: this.taskQueue,
        FAILBACK_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        FAILBACK_WORKER_METRICS_PORT: '0',
        FAILBACK_LOG_LEVEL: 'info',
        FAILBACK_LOG_PRETTY: '0',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (d: Buffer) => {
        this.output += d.toString();
        log.write(d);
      });
    }
    child.once('exit', () => log.end());
    const deadline = Date.now() + 120_000;
    while (!this.output.includes('"msg":"worker started"')) {
      if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`worker did not start:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: no graceful shutdown, in-flight activities are lost until their heartbeats time out. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: the worker drains and exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
