/** Small shared pieces: an error line with its code, the page title, a notice, formats (the paged table: PagedTable.tsx). */
import { Alert, Text, Title } from '@mantine/core';
import { formatMoney, type SdkError } from '@kit/sdk';
import { useEffect, type ReactNode } from 'react';
import { describeError } from '../lib/errors.ts';

export function ErrorLine({ error }: { error: Pick<SdkError, 'code' | 'message'> | null | undefined }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" data-code={error.code} title="Could not complete">
      {describeError(error)}{' '}
      <Text span size="xs" c="dimmed">
        ({error.code})
      </Text>
    </Alert>
  );
}

export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · Backend kit`;
  }, [children]);
  return (
    <Title order={1} size="h2" mb="md">
      {children}
    </Title>
  );
}

export const dateTime = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : '—');
/** An amount in integer minor units, formatted with its currency's own exponent (the SDK's helper). */
export const money = (minor: number, currency = 'usd') => formatMoney(minor, currency);

/** A success message, announced politely to screen readers. */
export function Notice({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <div role="status">
      <Alert color="teal" title={title} role="presentation">
        {children}
      </Alert>
    </div>
  );
}

/** A chart as one image with a text alternative; the drawing itself is hidden from assistive tech. */
export function ChartFigure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={label}>
      {/* inert: the chart library's focusable layer must not take focus while hidden. */}
      <div aria-hidden="true" {...{ inert: '' }}>
        {children}
      </div>
    </div>
  );
}
