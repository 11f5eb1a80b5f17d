/**
 * Long staff operations (roster imports that hash access codes, publishing many sessions)
 * run as jobs whose progress the interface polls. Jobs live in this process's memory: a
 * job's effect is committed in one transaction at its end, so a restart loses only the
 * progress display, never half an import.
 */
import { randomUUID } from 'node:crypto';

export interface JobView {
  jobId: string;
  kind: string;
  owner: string;
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  result?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

export class JobTracker {
  readonly #jobs = new Map<string, JobView>();

  /** Starts `work` in the background; it reports progress through the callback. */
  start(kind: string, owner: string, total: number, work: (progress: (done: number) => void) => Promise<unknown>): JobView {
    const job: JobView = { jobId: randomUUID(), kind, owner, state: 'running', done: 0, total };
    this.#jobs.set(job.jobId, job);
    void work((done) => { job.done = done; }).then(
      (result) => Object.assign(job, { state: 'done', done: job.total, result }),
      (error: unknown) => {
        const failure = error as { code?: string; message?: string; details?: unknown };
        Object.assign(job, { state: 'failed', error: { code: failure.code ?? 'internal', message: failure.message ?? String(error), ...(failure.details === undefined ? {} : { details: failure.details }) } });
      },
    );
    return { ...job };
  }

  /** A job as its owner sees it. */
  view(jobId: string, owner: string): JobView | undefined {
    const job = this.#jobs.get(jobId);
    return job && job.owner === owner ? { ...job } : undefined;
  }

  /** Resolves when the job ends (tests, scripts). */
  async settle(jobId: string): Promise<JobView> {
    for (;;) {
      const job = this.#jobs.get(jobId);
      if (!job) throw new Error(`no job ${jobId}`);
      if (job.state !== 'running') return { ...job };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
