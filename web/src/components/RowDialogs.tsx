/**
 * Editing and deleting one row in place: `EditButton` opens a dialog with the row's form (the form
 * closes it when saved); `DeleteButton` asks to confirm in a dialog, shows the SDK's error there in
 * words, and reports success so the list reloads.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { SdkError } from '@kit/sdk';
import { useState, type ReactNode } from 'react';
import { ErrorLine } from './ui.tsx';

type Result = { data: unknown; error: null } | { data: null; error: SdkError };

export function EditButton({ what, children }: { what: string; children: (close: () => void) => ReactNode }) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button size="xs" variant="default" aria-label={`Edit ${what}`} onClick={() => setOpened(true)}>
        Edit
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Edit ${what}`}>
        {opened && children(() => setOpened(false))}
      </Modal>
    </>
  );
}

export function DeleteButton({ what, run, onDone, consequence }: { what: string; run: () => PromiseLike<Result>; onDone: () => void; consequence?: string }) {
  const [opened, setOpened] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<SdkError | null>(null);
  const confirm = async () => {
    if (pending) return;
    setPending(true);
    const result = await run();
    setPending(false);
    setError(result.error);
    if (!result.error) {
      setOpened(false);
      onDone();
    }
  };
  return (
    <>
      <Button
        size="xs"
        variant="default"
        aria-label={`Delete ${what}`}
        onClick={() => {
          setError(null);
          setOpened(true);
        }}
      >
        Delete
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Delete ${what}?`}>
        <Stack>
          <Text>{consequence ?? 'This cannot be undone.'}</Text>
          <ErrorLine error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Keep it
            </Button>
            <Button color="red.9" loading={pending} disabled={pending} onClick={() => void confirm()}>
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
