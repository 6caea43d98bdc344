/**
 * A button for one intent (approve this payout, ban this user): its own idempotency key, disabled
 * while pending, the SDK's error shown next to it in words.
 */
import { Button, type ButtonProps, Text } from '@mantine/core';
import type { SdkError } from '@kit/sdk';
import { useCallback } from 'react';
import { useAction } from '../lib/useAction.ts';

type Result = { data: unknown; error: null } | { data: null; error: SdkError };

export function ActionButton({
  label,
  ariaLabel,
  run,
  onDone,
  ...props
}: { label: string; ariaLabel?: string; run: (idempotencyKey: string) => PromiseLike<Result>; onDone?: () => void } & ButtonProps) {
  const exec = useCallback((key: string) => run(key), [run]);
  const action = useAction(exec);
  return (
    <span>
      <Button
        size="xs"
        variant="default"
        {...props}
        aria-label={ariaLabel ?? label}
        loading={action.pending}
        disabled={action.pending}
        onClick={() => {
          void action.execute().then((result) => {
            if (result?.data !== undefined && !result.error) onDone?.();
          });
        }}
      >
        {label}
      </Button>
      {action.error && (
        <Text size="xs" c="red.9" role="alert" data-code={action.error.code}>
          {action.message}
        </Text>
      )}
    </span>
  );
}
