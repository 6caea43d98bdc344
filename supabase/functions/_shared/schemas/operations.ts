/** Request shapes of the operations functions (job-worker), shared with the SDK and OpenAPI. */
import { z } from 'zod';

export const jobWorkerSchema = z.strictObject({
  max_jobs: z.number().int().min(1).max(100).default(10),
  lease_seconds: z.number().int().min(1).max(3600).default(300),
  types: z
    .array(z.string().regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/))
    .max(20)
    .optional(),
  worker_id: z.string().min(1).max(200).optional(),
});
export type JobWorkerInput = z.input<typeof jobWorkerSchema>;
