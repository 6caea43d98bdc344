/**
 * The business's SDK calls: which account, the CRM (clients, packages, client packages, payments,
 * instalments, statistics), members and batches. CRM amounts cross this layer in the currency's major
 * unit as the UI's forms take them; `toCrmAmount`/`fromCrmAmount` are the one place that converts to
 * and from the SDK's integer minor units.
 */
import { currencyExponent } from '@kit/sdk';
import type {
  AccountPermission,
  BusinessRegistrationInput,
  CrmClientCreateInput,
  CrmClientStatus,
  CrmClientPackageCreateInput,
  CrmClientPackageUpdateInput,
  CrmClientUpdateInput,
  CrmInstalmentStatus,
  CrmInstalmentUpdateInput,
  CrmPackageCreateInput,
  CrmPackageUpdateInput,
  CrmPaymentStatus,
  CrmPaymentUpdateInput,
  KitClient,
  NewMemberInput,
  PageQuery,
} from '@kit/sdk';

/** The SDK takes CRM amounts in integer minor units of their currency (cents for usd, yen for jpy). */
export const toCrmAmount = (major: number, currency = 'usd'): number => Math.round(major * 10 ** currencyExponent(currency));
export const fromCrmAmount = (minor: number, currency = 'usd'): number => minor / 10 ** currencyExponent(currency);

export const accounts = {
  mine: (kit: KitClient) => kit.accounts.mine(),
  use: (kit: KitClient, id: string) => kit.accounts.use(id),
  register: (kit: KitClient, input: BusinessRegistrationInput, key: string) => kit.accounts.register(input, { idempotencyKey: key }),
};

export const crm = {
  clients: (kit: KitClient, q: PageQuery & { search?: string; status?: CrmClientStatus }) => kit.crm.clients.list({ ...q, sort: '-created_at' }),
  createClient: (kit: KitClient, input: CrmClientCreateInput) => kit.crm.clients.create(input),
  packages: (kit: KitClient, q: PageQuery) => kit.crm.packages.list(q),
  createPackage: (kit: KitClient, input: Omit<CrmPackageCreateInput, 'price'> & { price: number }) =>
    kit.crm.packages.create({ ...input, price: toCrmAmount(input.price, input.currency) }),
  clientPackages: (kit: KitClient, q: PageQuery) => kit.crm.clientPackages.list(q),
  createClientPackage: (kit: KitClient, input: CrmClientPackageCreateInput) => kit.crm.clientPackages.create(input),
  payments: (kit: KitClient, q: PageQuery & { client_id?: string }) => kit.crm.payments.list({ ...q, sort: '-payment_date' }),
  createPayment: (kit: KitClient, clientId: string, amount: number, currency: string) =>
    kit.crm.payments.create({ client_id: clientId, amount: toCrmAmount(amount, currency), currency }),
  instalments: (kit: KitClient, q: PageQuery & { client_id?: string }) => kit.crm.instalments.list({ ...q, sort: 'schedule_date' }),
  updateClient: (kit: KitClient, id: string, changes: CrmClientUpdateInput) => kit.crm.clients.update(id, changes),
  removeClient: (kit: KitClient, id: string) => kit.crm.clients.remove(id),
  updatePackage: (kit: KitClient, id: string, currency: string, changes: Omit<CrmPackageUpdateInput, 'price'> & { price?: number | null }) =>
    kit.crm.packages.update(id, { ...changes, ...(changes.price !== undefined ? { price: changes.price === null ? null : toCrmAmount(changes.price, currency) } : {}) }),
  removePackage: (kit: KitClient, id: string) => kit.crm.packages.remove(id),
  updateClientPackage: (kit: KitClient, id: string, currency: string, changes: Omit<CrmClientPackageUpdateInput, 'custom_price'> & { custom_price?: number | null }) =>
    kit.crm.clientPackages.update(id, {
      ...changes,
      ...(changes.custom_price !== undefined ? { custom_price: changes.custom_price === null ? null : toCrmAmount(changes.custom_price, currency) } : {}),
    }),
  removeClientPackage: (kit: KitClient, id: string) => kit.crm.clientPackages.remove(id),
  updatePayment: (kit: KitClient, id: string, currency: string, changes: Omit<CrmPaymentUpdateInput, 'amount'> & { amount?: number; status?: CrmPaymentStatus }) =>
    kit.crm.payments.update(id, { ...changes, ...(changes.amount !== undefined ? { amount: toCrmAmount(changes.amount, currency) } : {}) }),
  removePayment: (kit: KitClient, id: string) => kit.crm.payments.remove(id),
  createInstalment: (kit: KitClient, input: { client_id: string; instalment_number: number; amount: number; currency: string; schedule_date: string }) =>
    kit.crm.instalments.create({ ...input, amount: toCrmAmount(input.amount, input.currency) }),
  updateInstalment: (kit: KitClient, id: string, currency: string, changes: Omit<CrmInstalmentUpdateInput, 'amount'> & { amount?: number; status?: CrmInstalmentStatus }) =>
    kit.crm.instalments.update(id, { ...changes, ...(changes.amount !== undefined ? { amount: toCrmAmount(changes.amount, currency) } : {}) }),
  removeInstalment: (kit: KitClient, id: string) => kit.crm.instalments.remove(id),
  clientStats: (kit: KitClient) => kit.crm.statistics.clients(),
  paymentStats: (kit: KitClient) => kit.crm.statistics.payments(),
};

export const members = {
  list: (kit: KitClient, q: PageQuery) => kit.accounts.members.list(q),
  add: (kit: KitClient, input: NewMemberInput & { role: 'admin' | 'member'; permissions: AccountPermission[] }, key: string) =>
    kit.accounts.members.add({ ...input, redirect_to: `${window.location.origin}/auth/confirm` }, { idempotencyKey: key }),
  setPermissions: (kit: KitClient, userId: string, permissions: AccountPermission[]) => kit.accounts.members.setAccess(userId, { permissions }),
  deactivate: (kit: KitClient, userId: string) => kit.accounts.members.deactivate(userId),
  reactivate: (kit: KitClient, userId: string) => kit.accounts.members.reactivate(userId),
};

export const batches = {
  list: (kit: KitClient, q: PageQuery) => kit.accounts.batches.list(q),
  create: (kit: KitClient, name: string, rows: NewMemberInput[], key: string) => kit.accounts.batches.create({ name, members: rows }, { idempotencyKey: key }),
};
