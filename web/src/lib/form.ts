/**
 * Puts an SDK answer's field errors next to the fields of a Mantine form. Writes that go straight to a
 * table (`kit.admin.vouchers.updateType`) are checked by the table's constraints: their refusal is a
 * `validation_failed` whose message names the check constraint (`voucher_types_price_amount_check`);
 * when that name ends with one of the form's fields, the error goes next to that field, in the words
 * `checks` gives for it.
 */
import type { SdkError } from '@kit/sdk';
import { fieldErrors } from './errors.ts';

interface Form {
  setErrors: (errors: Record<string, string>) => void;
  values: object;
}

export function showFieldErrors(form: Form, error: SdkError | null | undefined, checks: Record<string, string> = {}): void {
  const fields = { ...fieldErrors(error), ...checkFieldError(form, error, checks) };
  if (Object.keys(fields).length > 0) form.setErrors(fields);
}

function checkFieldError(form: Form, error: SdkError | null | undefined, checks: Record<string, string>): Record<string, string> {
  if (error?.code !== 'validation_failed') return {};
  const constraint = /check constraint "([a-z0-9_]+)"/.exec(error.message)?.[1];
  if (!constraint) return {};
  const field = Object.keys(form.values).find((name) => constraint.endsWith(`_${name}_check`));
  return field ? { [field]: checks[field] ?? 'This value is not allowed.' } : {};
}
