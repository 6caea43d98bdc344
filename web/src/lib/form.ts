/** Puts an SDK answer's field errors next to the fields of a Mantine form. */
import type { SdkError } from '@kit/sdk';
import { fieldErrors } from './errors.ts';

export function showFieldErrors(form: { setErrors: (errors: Record<string, string>) => void }, error: SdkError | null | undefined): void {
  const fields = fieldErrors(error);
  if (Object.keys(fields).length > 0) form.setErrors(fields);
}
