/**
 * Granting a voucher: the admin names the user by e-mail and picks an active voucher type; the grant
 * is one intent with one idempotency key, so a double click (or a retry) gives one voucher. The
 * user's vouchers are listed below (20 a page), newest first; one of them can be deactivated, with a
 * reason, after a confirmation.
 */
import { Badge, Button, Card, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { SdkApiError, type KitClient, type Voucher } from '@kit/sdk';
import { useCallback, useState, type FormEvent } from 'react';
import { catalog, users } from '../../api/admin.ts';
import { ErrorLine, Notice, dateTime } from '../../components/ui.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { useKit } from '../../lib/kit.tsx';
import { useAction } from '../../lib/useAction.ts';
import { usePage, useResult } from '../../lib/usePage.ts';

/** The user with exactly this e-mail (the users list searches parts of names and addresses). */
async function userByEmail(kit: KitClient, email: string) {
  const found = await users.list(kit, { search: email, per_page: 20 });
  if (found.error) return found;
  const user = found.data.items.find((u) => u.email.toLowerCase() === email.toLowerCase());
  return user ? { data: user, error: null } : { data: null, error: new SdkApiError('No user has this e-mail', 'user_not_found', 404) };
}

/** Deactivating one voucher: a dialog asks why; the deactivation is one intent with one key. */
function DeactivateVoucher({ voucher, onDone }: { voucher: Voucher; onDone: () => void }) {
  const kit = useKit();
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const run = useCallback((key: string, why: string) => catalog.deactivateVoucher(kit, voucher.id, why, key), [kit, voucher.id]);
  const deactivate = useAction(run);
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    const result = await deactivate.execute(reason.trim());
    if (result?.data) {
      setOpened(false);
      onDone();
    }
  };
  const title = `Deactivate voucher ${voucher.code}`;
  return (
    <>
      <Button size="xs" variant="default" aria-label={title} onClick={() => setOpened(true)}>
        Deactivate
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`${title}?`}>
        <form onSubmit={(e) => void confirm(e)} noValidate>
          <Stack>
            <Text>Its owner can no longer redeem it; this cannot be undone.</Text>
            <TextInput
              label="Reason"
              description="Kept with the voucher"
              required
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={deactivate.fields.reason}
            />
            <ErrorLine error={deactivate.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>
                Keep it
              </Button>
              <Button type="submit" color="red.9" loading={deactivate.pending} disabled={deactivate.pending || !reason.trim()}>
                Deactivate the voucher
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

/** `typesVersion` changes when the catalogue's voucher types change, so a new type can be granted at once. */
export function GrantVoucher({ typesVersion }: { typesVersion: number }) {
  const kit = useKit();
  const types = useResult(() => catalog.voucherTypes(kit, { per_page: 100 }), [kit, typesVersion]);
  const [email, setEmail] = useState('');
  const [typeId, setTypeId] = useState<string | null>(null);
  const [owner, setOwner] = useState<{ id: string; email: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useCallback(
    async (key: string, address: string, voucherTypeId: string) => {
      const user = await userByEmail(kit, address.trim());
      if (user.error) return user;
      setOwner({ id: user.data.id, email: user.data.email });
      return catalog.grantVoucher(kit, user.data.id, voucherTypeId, key);
    },
    [kit],
  );
  const grant = useAction(run);
  const vouchers = usePage<Voucher>((q) => (owner ? catalog.vouchersOf(kit, owner.id, q) : Promise.resolve({ data: null, error: null })), [kit, owner?.id, grant.data], 20);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!typeId) return;
    const result = await grant.execute(email, typeId);
    if (result?.data) {
      const type = types.data?.items.find((t) => t.id === typeId);
      setNotice(`Granted a ${type?.name ?? 'voucher'} voucher (${result.data.code}) to ${email.trim()}.`);
    }
  };
  return (
    <Card withBorder>
      <Stack>
        <Text component="h2" fw={700}>
          Grant a voucher
        </Text>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Group align="flex-end" grow>
            <TextInput label="User's e-mail" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <Select
              label="Voucher type to grant"
              required
              searchable
              data={(types.data?.items ?? []).filter((t) => t.is_active).map((t) => ({ value: t.id, label: t.name }))}
              value={typeId}
              onChange={setTypeId}
            />
          </Group>
          <ErrorLine error={grant.error ?? types.error} />
          <Button type="submit" mt="sm" loading={grant.pending} disabled={grant.pending || !typeId || !email.trim()}>
            Grant the voucher
          </Button>
        </form>
        {notice && <Notice>{notice}</Notice>}
        {owner && (
          <>
            <ErrorLine error={vouchers.error} />
            <PagedTable
              caption={`Vouchers of ${owner.email}`}
              page={vouchers.data}
              onPage={vouchers.setPage}
              rowKey={(v) => v.id}
              empty="This user has no voucher."
              columns={[
                { label: 'Type', render: (v) => v.voucher_type?.name ?? '' },
                { label: 'Code', render: (v) => v.code },
                { label: 'Uses left', render: (v) => v.uses_remaining },
                { label: 'Since', render: (v) => dateTime(v.purchased_at) },
                {
                  label: 'Status',
                  render: (v) => (
                    <>
                      <Badge variant="light">{v.is_active ? 'active' : 'inactive'}</Badge>
                      {!v.is_active && v.deactivation_reason && <Text size="xs">{v.deactivation_reason}</Text>}
                    </>
                  ),
                },
                { label: 'Action', render: (v) => (v.is_active ? <DeactivateVoucher voucher={v} onDone={vouchers.reload} /> : null) },
              ]}
            />
          </>
        )}
      </Stack>
    </Card>
  );
}
