/**
 * `kit.vouchers`: the voucher shop of seed 003. Voucher types are listed publicly; a signed-in user
 * sees their vouchers, a voucher by its code, redeems one (atomically, in one SQL function), and reads
 * their usage history and statistics. Buying goes through `kit.payments.buyVoucher`. Admins
 * (`kit.admin.vouchers`) manage types, grant and deactivate vouchers and read the analytics dashboard.
 * Everything is PostgREST under row-level security; failures carry stable codes such as
 * `voucher_not_found`, `voucher_expired`, `voucher_exhausted`, `voucher_inactive`, `wrong_service_type`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { crmRangeSchema, type CrmRange } from '../../supabase/functions/_shared/schemas/crm.ts';
import { redeemVoucherSchema, voucherCodeSchema, type DateRangeInput, type RedeemVoucherInput } from '../../supabase/functions/_shared/schemas/payments.ts';
import type { Database, Tables, TablesInsert, TablesUpdate } from './database.types.ts';
import { errorFromPostgrest, SdkApiError, type Result, type RpcErrorCodes, withCodes, type TableWriteErrorCodes } from './errors.ts';
import { dayBefore, dayRange } from './money.ts';
import type { MutationOptions } from './functions.ts';
import { paged, type PageRequest, toPage, type Page, type PageQuery } from './pages.ts';
import { badKey, keyed, keyedBy, pageOf, replayedId } from './postgrest.ts';
import { currentUserId, requireAdmin } from './session.ts';
import { checkIds, parseInput, invalidField } from './validation.ts';

export type { DateRangeInput, Page, PageQuery, RedeemVoucherInput };

type Functions = Database['public']['Functions'];

/** A sellable voucher product. `price_amount` is in the currency's minor units (cents). */
export type VoucherType = Tables<'voucher_types'>;
/** Fields an admin sets on a new voucher type (id and timestamps are the database's). */
export type VoucherTypeInput = Omit<TablesInsert<'voucher_types'>, 'id' | 'created_at' | 'updated_at'>;
/** Fields an admin may change on a voucher type. */
export type VoucherTypeChanges = Omit<TablesUpdate<'voucher_types'>, 'id' | 'created_at' | 'updated_at'>;
/** A voucher with the essentials of its type. */
export type Voucher = Tables<'vouchers'> & {
  voucher_type: Pick<VoucherType, 'id' | 'name' | 'description' | 'service_type'> | null;
};
/** A voucher as `get(code)` shows it: to its owner, an admin, or anyone holding a gift voucher's code. */
export type VoucherDetails = Functions['voucher_by_code']['Returns'][number];
/** The result of a redemption; `replayed` is true when an earlier call with the same key already did it. */
export type Redemption = Functions['redeem_voucher']['Returns'][number];
/** One use of a voucher, with the voucher's code and type name when you may see the voucher. */
export type VoucherRedemption = Tables<'voucher_redemptions'> & {
  voucher: { code: string; voucher_type: { name: string } | null } | null;
};
/** The signed-in user's voucher statistics (seed 003 `/api/vouchers/stats/`). */
export interface VoucherStats {
  vouchers_bought: number;
  vouchers_granted: number;
  /** Usable now: active, not expired, uses left. */
  vouchers_active: number;
  /** Redeemed at least once. */
  vouchers_used: number;
  redemptions: number;
  /** Money spent on vouchers net of refunds, per currency, in minor units. */
  spent: { currency: string; amount: number }[];
}
/** The admin dashboard (seed 003 `/api/analytics/dashboard/`) over a range of UTC days. */
export interface VoucherDashboard {
  /** The UTC days covered: `from` inclusive, `to` exclusive (YYYY-MM-DD). */
  range: { from: string; to: string };
  totals: Functions['analytics_totals']['Returns'];
  revenue_by_day: Functions['analytics_revenue_by_day']['Returns'];
  top_voucher_types: Functions['analytics_revenue_by_voucher_type']['Returns'];
}

const VOUCHER_WITH_TYPE = '*, voucher_type:voucher_types(id, name, description, service_type)';

export class VouchersClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * The voucher types on sale, cheapest first. Needs no sign-in.
   *
   * @example
   * const { data, error } = await kit.vouchers.types();
   * for (const type of data?.items ?? []) console.log(type.name, type.price_amount / 100, type.currency);
   */
  types(query: PageQuery = {}): PageRequest<VoucherType, never> {
    return paged(query, (q) => this.#typesPage(q));
  }

  async #typesPage(query: PageQuery): Promise<Result<Page<VoucherType>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { data, error, status, count } = await this.supabase
      .from('voucher_types')
      .select('*', { count: 'exact' })
      .eq('is_active', true)
      .order('price_amount')
      .order('name')
      .order('id')
      .range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, range.page, range.perPage), error: null };
  }

  /**
   * The signed-in user's vouchers, newest first; `usable: true` keeps those that can be redeemed now.
   *
   * @example
   * const { data, error } = await kit.vouchers.mine({ usable: true });
   * data?.items.forEach((v) => console.log(v.code, v.voucher_type?.name, v.uses_remaining));
   */
  mine(query: PageQuery & { usable?: boolean } = {}): PageRequest<Voucher, never> {
    return paged(query, (q) => this.#minePage(q));
  }

  async #minePage(options: PageQuery & { usable?: boolean }): Promise<Result<Page<Voucher>>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const range = pageOf(options);
    if (range.error) return { data: null, error: range.error };
    let query = this.supabase.from('vouchers').select(VOUCHER_WITH_TYPE, { count: 'exact' }).eq('owner_id', me.id);
    if (options.usable) query = query.eq('is_active', true).gt('uses_remaining', 0).gt('expires_at', new Date().toISOString());
    const { data, error, status, count } = await query.order('seq', { ascending: false }).range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data as unknown as Voucher[], count, range.page, range.perPage), error: null };
  }

  /**
   * A voucher by its code (seed 003 `/api/vouchers/detail/<code>/`). `voucher_not_found` for a code you
   * may not see — the answer never tells whether someone else holds it.
   *
   * @example
   * const { data, error } = await kit.vouchers.get('7K3M-9QXR-2HJD-WB4T');
   * if (error?.code === 'voucher_not_found') console.log('check the code');
   */
  get(code: string): Promise<Result<VoucherDetails, RpcErrorCodes['voucher_by_code'] | 'voucher_not_found'>>;
  async get(code: string): Promise<Result<VoucherDetails>> {
    const input = parseInput(voucherCodeSchema, code);
    if (input.error) return { data: null, error: input.error };
    const { data, error, status } = await this.supabase.rpc('voucher_by_code', { code: input.data });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const row = data[0];
    if (!row) return { data: null, error: new SdkApiError('No voucher with this code', 'voucher_not_found', 404) };
    return { data: row, error: null };
  }

  /**
   * Redeems one use of a voucher for a service (seed 003 `/api/vouchers/redeem/`). Safe to retry: the
   * idempotency key (generated when not given) makes a repeat return the first redemption.
   * Errors: `invalid_voucher_code`, `voucher_not_found`, `voucher_inactive`, `voucher_expired`,
   * `wrong_service_type`, `voucher_exhausted`.
   *
   * @example
   * const { data, error } = await kit.vouchers.redeem({ code, service_type: 'exam_results', details: { index_number: '0421' } });
   * if (error?.code === 'voucher_exhausted') console.log('no uses left');
   * else if (data) console.log(`${data.uses_remaining} uses left`);
   */
  redeem(input: RedeemVoucherInput, options: MutationOptions = {}): Promise<Result<Redemption, RpcErrorCodes['redeem_voucher']>> {
    return this.#redeem(input, options).then(withCodes<RpcErrorCodes['redeem_voucher'], Redemption>);
  }

  /** The implementation of `redeem` (its result carries any `SdkError`). */
  async #redeem(input: RedeemVoucherInput, options: MutationOptions = {}): Promise<Result<Redemption>> {
    const parsed = parseInput(redeemVoucherSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const key = options.idempotencyKey ?? crypto.randomUUID();
    const request = this.supabase.rpc('redeem_voucher', {
      code: parsed.data.code,
      service_type: parsed.data.service_type,
      details: (parsed.data.details ?? {}) as NonNullable<Database['public']['Functions']['redeem_voucher']['Args']['details']>,
      idempotency_key: key,
    });
    const { data, error, status } = await keyed(request, key, options.signal);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const row = data[0];
    if (!row) return { data: null, error: new SdkApiError('The redemption returned nothing', 'internal_error', 500) };
    return { data: row, error: null };
  }

  /**
   * Usage history (seed 003 `/api/vouchers/usage-history/`): uses of your vouchers and your uses of
   * gift vouchers, newest first.
   *
   * @example
   * const { data, error } = await kit.vouchers.history({ per_page: 20 });
   * data?.items.forEach((r) => console.log(r.redeemed_at, r.service_type, r.voucher?.code));
   */
  history(query: PageQuery = {}): PageRequest<VoucherRedemption, never> {
    return paged(query, (q) => this.#historyPage(q));
  }

  async #historyPage(options: PageQuery): Promise<Result<Page<VoucherRedemption>>> {
    const me = await currentUserId(this.supabase);
    if (me.error) return { data: null, error: me.error };
    const range = pageOf(options);
    if (range.error) return { data: null, error: range.error };
    const { data, error, status, count } = await this.supabase
      .from('voucher_redemptions')
      .select('*, voucher:vouchers(code, voucher_type:voucher_types(name))', { count: 'exact' })
      .or(`voucher_owner_id.eq.${me.id},redeemed_by.eq.${me.id}`)
      .order('seq', { ascending: false })
      .range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data as unknown as VoucherRedemption[], count, range.page, range.perPage), error: null };
  }

  /**
   * The signed-in user's statistics: vouchers bought, active, used, uses, and money spent.
   *
   * @example
   * const { data, error } = await kit.vouchers.stats();
   * if (data) console.log(`${data.vouchers_active} usable vouchers, ${data.redemptions} uses`);
   */
  stats(): Promise<Result<VoucherStats, /*rpc my_voucher_stats*/ never>>;
  async stats(): Promise<Result<VoucherStats>> {
    const { data, error, status } = await this.supabase.rpc('my_voucher_stats');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const rows = data;
    const first = rows[0];
    return {
      data: {
        vouchers_bought: first?.vouchers_bought ?? 0,
        vouchers_granted: first?.vouchers_granted ?? 0,
        vouchers_active: first?.vouchers_active ?? 0,
        vouchers_used: first?.vouchers_used ?? 0,
        redemptions: first?.redemptions ?? 0,
        spent: rows.filter((r) => r.amount_spent > 0).map((r) => ({ currency: r.currency, amount: r.amount_spent })),
      },
      error: null,
    };
  }
}

/** Filters of the admins' voucher list. */
export interface VoucherListQuery extends PageQuery {
  owner_id?: string;
  voucher_type_id?: string;
  is_active?: boolean;
}

/** `kit.admin.vouchers`: for platform admins (everyone else gets `forbidden`). */
export class VouchersAdminClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Every voucher type, active or not.
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.types();
   */
  types(query: PageQuery = {}): PageRequest<VoucherType, never> {
    return paged(query, (q) => this.#typesPage(q));
  }

  async #typesPage(query: PageQuery): Promise<Result<Page<VoucherType>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status, count } = await this.supabase.from('voucher_types').select('*', { count: 'exact' }).order('name').order('id').range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data, count, range.page, range.perPage), error: null };
  }

  /**
   * Creates a voucher type (price in minor units).
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.createType({ name: 'Transcript', service_type: 'transcript', price_amount: 2000, max_uses: 1 });
   */
  createType(input: VoucherTypeInput, options?: MutationOptions): Promise<Result<VoucherType, Exclude<TableWriteErrorCodes['voucher_types'], 'idempotent_replay'>>>;
  async createType(input: VoucherTypeInput, options: MutationOptions = {}): Promise<Result<VoucherType>> {
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await keyedBy(this.supabase.from('voucher_types').insert(input).select('*'), options).single();
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('voucher_types').select('*').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data, error: null };
  }

  /**
   * Changes a voucher type; `is_active: false` takes it off sale and stops its vouchers' redemption.
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.updateType(typeId, { price_amount: 1200 });
   */
  updateType(
    voucherTypeId: string,
    changes: VoucherTypeChanges,
    options?: MutationOptions,
  ): Promise<Result<VoucherType, TableWriteErrorCodes['voucher_types'] | 'voucher_type_not_found'>>;
  async updateType(voucherTypeId: string, changes: VoucherTypeChanges, options?: MutationOptions): Promise<Result<VoucherType>> {
    const bad = checkIds({ voucher_type_id: voucherTypeId }) ?? badKey(options);
    if (bad) return { data: null, error: bad };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await keyedBy(this.supabase.from('voucher_types').update(changes).eq('id', voucherTypeId).select('*'), options).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No voucher type you may change has this id', 'voucher_type_not_found', 404) };
    return { data, error: null };
  }

  /**
   * Every voucher, filtered by owner, type or state, newest first.
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.list({ owner_id: userId });
   */
  list(query: VoucherListQuery = {}): PageRequest<Voucher, never> {
    return paged(query, (q) => this.#listPage(q));
  }

  async #listPage(filters: VoucherListQuery): Promise<Result<Page<Voucher>>> {
    const range = pageOf(filters);
    if (range.error) return { data: null, error: range.error };
    const bad = checkIds({
      ...(filters.owner_id !== undefined ? { owner_id: filters.owner_id } : {}),
      ...(filters.voucher_type_id !== undefined ? { voucher_type_id: filters.voucher_type_id } : {}),
    });
    if (bad) return { data: null, error: bad };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    let query = this.supabase.from('vouchers').select(VOUCHER_WITH_TYPE, { count: 'exact' });
    if (filters.owner_id) query = query.eq('owner_id', filters.owner_id);
    if (filters.voucher_type_id) query = query.eq('voucher_type_id', filters.voucher_type_id);
    if (filters.is_active !== undefined) query = query.eq('is_active', filters.is_active);
    const { data, error, status, count } = await query.order('seq', { ascending: false }).range(range.from, range.to);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: toPage(data as unknown as Voucher[], count, range.page, range.perPage), error: null };
  }

  /**
   * Gives a user a voucher of an active type, without payment.
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.grant(userId, voucherTypeId);
   * if (data) console.log('their code:', data.code);
   */
  grant(userId: string, voucherTypeId: string, options?: MutationOptions): Promise<Result<Tables<'vouchers'>, Exclude<RpcErrorCodes['grant_voucher'], 'idempotent_replay'>>>;
  async grant(userId: string, voucherTypeId: string, options: MutationOptions = {}): Promise<Result<Tables<'vouchers'>>> {
    const invalidId = checkIds({ user_id: userId });
    if (invalidId) return { data: null, error: invalidId };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(this.supabase.rpc('grant_voucher', { user_id: userId, voucher_type_id: voucherTypeId }), options);
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('vouchers').select('*').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data, error: null };
  }

  /**
   * Deactivates a voucher (it can no longer be redeemed).
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.deactivate(voucherId, { reason: 'reported stolen' });
   */
  deactivate(voucherId: string, input?: { reason?: string }, options?: MutationOptions): Promise<Result<Tables<'vouchers'>, RpcErrorCodes['deactivate_voucher']>>;
  async deactivate(voucherId: string, input: { reason?: string } = {}, options: MutationOptions = {}): Promise<Result<Tables<'vouchers'>>> {
    const bad = checkIds({ voucher_id: voucherId }) ?? badKey(options);
    if (bad) return { data: null, error: bad };
    const { data, error, status } = await keyedBy(this.supabase.rpc('deactivate_voucher', { voucher_id: voucherId, ...(input.reason ? { reason: input.reason } : {}) }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * The analytics dashboard over a range — the kit's one range shape: `from` inclusive, `to`
   * exclusive, each a date or a date-time; the figures are per UTC day, so a day counts when its
   * start (midnight UTC) is in the range. By default the last 30 days up to and including today.
   * Totals per currency, revenue by day and the top voucher types (`top`, default 10).
   *
   * @example
   * const { data, error } = await kit.admin.vouchers.dashboard({ from: '2026-11-01', to: '2026-12-01' }); // November
   * data?.revenue_by_day.forEach((d) => console.log(d.day, formatMoney(d.net_revenue, d.currency)));
   */
  dashboard(query?: CrmRange & { top?: number }): Promise<Result<VoucherDashboard, RpcErrorCodes['analytics_totals']>>;
  async dashboard(query: CrmRange & { top?: number } = {}): Promise<Result<VoucherDashboard>> {
    const { top = 10, ...dates } = query;
    const parsed = parseInput(crmRangeSchema, dates);
    if (parsed.error) return { data: null, error: parsed.error };
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    const bounds = dayRange({ from: parsed.data.from, to: parsed.data.to ?? tomorrow.toISOString().slice(0, 10) });
    const to = bounds.to!;
    const monthBefore = new Date(`${to}T00:00:00Z`);
    monthBefore.setUTCDate(monthBefore.getUTCDate() - 30);
    const from = bounds.from ?? monthBefore.toISOString().slice(0, 10);
    if (from >= to) {
      return { data: null, error: invalidField('to', 'The range holds no whole UTC day') };
    }
    // The analytics functions take inclusive days.
    const args = { from_date: from, to_date: dayBefore(to) };
    const [totals, byDay, byType] = await Promise.all([
      this.supabase.rpc('analytics_totals', args),
      this.supabase.rpc('analytics_revenue_by_day', args),
      this.supabase.rpc('analytics_revenue_by_voucher_type', { ...args, max_rows: top }),
    ]);
    for (const answer of [totals, byDay, byType]) {
      if (answer.error) return { data: null, error: errorFromPostgrest(answer.error, answer.status) };
    }
    return {
      data: {
        range: { from, to },
        totals: totals.data ?? [],
        revenue_by_day: byDay.data ?? [],
        top_voucher_types: byType.data ?? [],
      },
      error: null,
    };
  }
}
