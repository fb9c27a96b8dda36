import { z } from 'zod';

/** One thing that says which environment a target is (src/policy/environment.ts weighs them). */
export const EnvironmentSignal = z.object({
  /** Where the signal came from, as the person on call would check it: `--env`, `APP_ENV`, `database marker`… */
  source: z.string(),
  value: z.string(),
});
export type EnvironmentSignal = z.infer<typeof EnvironmentSignal>;
