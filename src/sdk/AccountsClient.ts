/**
 * `kit.accounts`: business accounts (tenants). "Who am I here" and the current account the `crm` and
 * member calls act in; registering a business (it starts pending); the platform admins' review
 * (approve / reject / suspend / reactivate, the owner is told by e-mail); the account's details.
 * Members and batches hang off it: `kit.accounts.members`, `kit.accounts.batches`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import {
  businessCreationSchema,
  businessRegistrationSchema,
  type AccountReviewInput,
  type AccountStatus,
  type BusinessCreationInput,
  type BusinessOwnerInput,
  type BusinessRegistrationInput,
  type ReviewDecision,
} from '../../supabase/functions/_shared/schemas/accounts.ts';
import { AccountFilesClient } from './AccountFilesClient.ts';
import { AccountBatchesClient } from './AccountBatchesClient.ts';
import { AccountContext, type MyAccount } from './AccountContext.ts';
import { AccountMembersClient } from './AccountMembersClient.ts';
import type { Database, Tables } from './database.types.ts';
import { errorFromPostgrest, type FunctionErrorCodes, type Result, SdkApiError, SdkValidationError, withCodes } from './errors.ts';
import { invokeMutation, type MutationOptions } from './functions.ts';
import { pagedFromAll, type PageQuery, type PageRequest } from './pages.ts';
import { checkIds, parseInput } from './validation.ts';
import { badKey, keyedBy } from './postgrest.ts';

export type { AccountReviewInput, AccountStatus, BusinessCreationInput, BusinessOwnerInput, BusinessRegistrationInput, MyAccount, ReviewDecision };

/** An `accounts` row. */
export type Account = Tables<'accounts'>;

/** What a platform admin's review answers: the account after the decision, and whether the owner was e-mailed. */
export interface ReviewResult {
  account: Account;
  notified: boolean;
}

/** What `createForOwner` answers: the new (active) account and its owner's Auth user. */
export interface BusinessCreated {
  account: Account;
  owner: { id: string; email: string };
}

/** Fields owners and admins may change on their active account. */
export interface AccountDetailsUpdate {
  name?: string;
  contact_name?: string | null;
  contact_email?: string | null;
  contact_phone?: string | null;
}

/** The codes of finding the account a call acts in (the current one, or one you name). */
export type AccountResolveErrorCode = 'no_account' | 'account_not_chosen' | 'account_not_usable';

/** The codes `use` can answer besides the common ones (`not_found` when you are not a member). */
export type AccountUseErrorCode = 'account_not_usable';

/** The codes `register` can answer besides the common ones. */
export type AccountRegisterErrorCode = FunctionErrorCodes['accounts-register'];

/** The codes `createForOwner` can answer besides the common ones. */
export type AccountCreateForOwnerErrorCode = FunctionErrorCodes['accounts-register'];

/** The codes `get` and `update` can answer besides the common ones. */
export type AccountGetErrorCode = AccountResolveErrorCode;

export class AccountsClient {
  /** Add members (invited by e-mail), change their access, deactivate them; your own membership. */
  readonly members: AccountMembersClient;
  /** Create named batches of up to 500 members; list batches and their members. */
  readonly batches: AccountBatchesClient;
  /** The account's private files (contracts, invoices): members with view_payments read, owners and admins write. */
  readonly files: AccountFilesClient;

  constructor(
    private readonly supabase: SupabaseClient<Database>,
    private readonly context: AccountContext,
  ) {
    this.members = new AccountMembersClient(supabase, context);
    this.batches = new AccountBatchesClient(supabase, context);
    this.files = new AccountFilesClient(supabase, context);
  }

  /**
   * The account the member, batch and CRM calls act in, once chosen (`use`) or resolved; no request.
   *
   * @example
   * const { data, error } = await kit.accounts.current();
   * console.log(kit.accounts.currentAccount?.name);
   */
  get currentAccount(): MyAccount | null {
    return this.context.current;
  }

  /**
   * "Who am I here": your accounts with status, your account role and effective permissions (owners
   * and admins hold all). `usable` is false for pending, rejected or suspended accounts and for a
   * deactivated membership.
   *
   * @example
   * const { data, error } = await kit.accounts.mine();
   * const pending = data?.items.filter((a) => a.status === 'pending');
   */
  mine(query: PageQuery = {}): PageRequest<MyAccount, never> {
    return pagedFromAll<MyAccount, PageQuery, never>(query, () => this.context.list());
  }

  /**
   * Chooses the current account. `not_found` if you are not a member; `account_not_usable` if it is
   * not active or your membership is deactivated.
   *
   * @example
   * const { data, error } = await kit.accounts.use(accountId);
   * if (data?.permissions.includes('view_all_clients')) console.log('you see every client');
   */
  use(accountId: string): Promise<Result<MyAccount, AccountUseErrorCode>> {
    const invalidId = checkIds({ account_id: accountId });
    if (invalidId) return Promise.resolve(withCodes<AccountUseErrorCode, MyAccount>({ data: null, error: invalidId }));
    return this.context.use(accountId).then(withCodes<AccountUseErrorCode, MyAccount>);
  }

  /**
   * The current account: the chosen one, or your only usable account (then chosen). `no_account`
   * when you have none; `account_not_chosen` (with the candidates in `details`) when you have several.
   *
   * @example
   * const { data, error } = await kit.accounts.current();
   * if (error?.code === 'account_not_chosen') {
   *   const { accounts } = error.details;
   *   if (accounts[0]) await kit.accounts.use(accounts[0].account_id);
   * }
   */
  current(): Promise<Result<MyAccount, AccountResolveErrorCode>> {
    return this.#current().then(withCodes<AccountResolveErrorCode, MyAccount>);
  }

  /** The implementation of `current` (its result carries any `SdkError`). */
  async #current(): Promise<Result<MyAccount>> {
    const resolved = await this.context.resolve();
    if (resolved.error) return resolved;
    return { data: this.context.current!, error: null };
  }

  /**
   * Forgets the current account (the next call resolves it again).
   *
   * @example
   * kit.accounts.clearCurrentAccount();
   */
  clearCurrentAccount(): void {
    this.context.clear();
  }

  /**
   * Registers a business you will own. It starts **pending**: nothing in it is usable until a platform
   * admin approves it. `application_pending` if you already have one waiting; `slug_taken`.
   *
   * @example
   * const { data, error } = await kit.accounts.register({ name: 'Acme Coaching', contact_email: 'ops@acme.test' });
   * console.log(data?.account.status); // 'pending'
   */
  register(input: BusinessRegistrationInput, options: MutationOptions = {}): Promise<Result<{ account: Account }, AccountRegisterErrorCode>> {
    const parsed = parseInput(businessRegistrationSchema, input);
    if (parsed.error) return Promise.resolve(withCodes<AccountRegisterErrorCode, { account: Account }>({ data: null, error: parsed.error }));
    return invokeMutation<{ account: Account }>(this.supabase, 'accounts-register', parsed.data, options).then(withCodes<AccountRegisterErrorCode, { account: Account }>);
  }

  /**
   * Platform admins: creates a business together with its owner (the B2B admin) in one call. The owner's
   * Auth user is created and invited by e-mail to set a password (`kit.auth.setUpPassword` with the
   * link's token; `redirect_to` is where the link lands); the account starts **active** (created by an
   * admin, so approval is implied: `reviewed_by/at` are you and now). `forbidden` (403) for anyone but a
   * platform admin; `email_taken` (409) when the owner's e-mail already belongs to a user; `slug_taken`;
   * `validation_failed` with field details (e.g. `owner.email`). Nothing is left half-created.
   *
   * @example
   * const { data, error } = await kit.accounts.createForOwner({
   *   name: 'Acme Coaching',
   *   contact_email: 'ops@acme.test',
   *   owner: { email: 'boss@acme.test', first_name: 'Ada', last_name: 'Boss' },
   * });
   * console.log(data?.account.status, data?.owner.id); // 'active', the owner's user id
   */
  createForOwner(input: BusinessCreationInput, options: MutationOptions = {}): Promise<Result<BusinessCreated, AccountCreateForOwnerErrorCode>> {
    const parsed = parseInput(businessCreationSchema, input);
    if (parsed.error) return Promise.resolve(withCodes<AccountCreateForOwnerErrorCode, BusinessCreated>({ data: null, error: parsed.error }));
    return invokeMutation<BusinessCreated>(this.supabase, 'accounts-register', parsed.data, options).then(withCodes<AccountCreateForOwnerErrorCode, BusinessCreated>);
  }

  /**
   * An account's details: the current account by default. You see your own accounts (whatever their
   * status); platform admins see every account.
   *
   * @example
   * const { data, error } = await kit.accounts.get();
   * console.log(data?.status, data?.review_reason);
   */
  get(accountId?: string): Promise<Result<Account, AccountGetErrorCode>> {
    return this.#get(accountId).then(withCodes<AccountGetErrorCode, Account>);
  }

  /** The implementation of `get` (its result carries any `SdkError`). */
  async #get(accountId?: string): Promise<Result<Account>> {
    const invalidId = accountId !== undefined ? checkIds({ account_id: accountId }) : null;
    if (invalidId) return { data: null, error: invalidId };
    const resolved = await this.context.resolve(accountId);
    if (resolved.error) return resolved;
    const { data, error, status } = await this.supabase.from('accounts').select('*').eq('id', resolved.data).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No account you may see has this id', 'not_found', 404) };
    return { data, error: null };
  }

  /**
   * Changes an account's name or contact (owners and admins of an active account): the current
   * account's with `update(changes)`, a named one's with `update(accountId, changes)`.
   *
   * @example
   * const { data, error } = await kit.accounts.update({ contact_phone: '+14155550123' });
   * const named = await kit.accounts.update(accountId, { name: 'Acme Coaching Ltd' });
   */
  update(changes: AccountDetailsUpdate, options?: MutationOptions): Promise<Result<Account, AccountGetErrorCode>>;
  update(accountId: string, changes: AccountDetailsUpdate, options?: MutationOptions): Promise<Result<Account, AccountGetErrorCode>>;
  update(accountId: string | AccountDetailsUpdate, changes?: AccountDetailsUpdate | MutationOptions, options?: MutationOptions): Promise<Result<Account, AccountGetErrorCode>> {
    const named = typeof accountId === 'string';
    return this.#update(
      named ? ((changes ?? {}) as AccountDetailsUpdate) : accountId,
      named ? accountId : undefined,
      named ? options : (changes as MutationOptions | undefined),
    ).then(withCodes<AccountGetErrorCode, Account>);
  }

  /** The implementation of `update` (its result carries any `SdkError`). */
  async #update(changes: AccountDetailsUpdate, accountId: string | undefined, options: MutationOptions | undefined): Promise<Result<Account>> {
    const invalidId = (accountId !== undefined ? checkIds({ account_id: accountId }) : null) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const allowed = ['name', 'contact_name', 'contact_email', 'contact_phone'];
    const unknown = Object.keys(changes).filter((k) => !allowed.includes(k));
    if (unknown.length > 0 || Object.keys(changes).length === 0) {
      const fieldErrors = Object.fromEntries(unknown.map((k) => [k, ['Unknown field']]));
      return { data: null, error: new SdkValidationError('Some fields are not valid', { fieldErrors, formErrors: unknown.length ? [] : ['Nothing to update'] }) };
    }
    const resolved = await this.context.resolve(accountId);
    if (resolved.error) return resolved;
    const { data, error, status } = await keyedBy(this.supabase.from('accounts').update(changes).eq('id', resolved.data).select('*'), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('Only owners and admins of an active account change it', 'forbidden', 403) };
    return { data, error: null };
  }
}
