// Follows a hub job (roster import, publishing) until it ends, for a progress bar.
import { ref } from 'vue';
import { callHub, type JobView } from '../api';

export function useJob() {
  const job = ref<JobView | null>(null);

  async function follow(started: JobView): Promise<JobView> {
    job.value = started;
    while (job.value.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job.value = await callHub<JobView>('GET', `/api/central/jobs/${started.jobId}`);
    }
    return job.value;
  }

  return { job, follow };
}
