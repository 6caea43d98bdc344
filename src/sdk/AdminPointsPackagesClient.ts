/**
 * `kit.admin.pointsPackages`: platform admins manage the points top-ups sold through Stripe (seed
 * 000/004's credit packages). Row-level security decides: only admins write, and a package somebody
 * bought cannot be deleted (deactivate it instead: it leaves the public list, its payments stay).
 * Prices are in the currency's minor units (cents for `usd`).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import type { Database, Tables, TablesInsert, TablesUpdate } from './database.types.ts';
import { errorFromPostgrest, type Result, SdkApiError, type TableWriteErrorCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { badKey, keyedBy, removal, replayedId } from './postgrest.ts';
import { pagedFromAll, type PageQuery, type PageRequest } from './pages.ts';
import { requireAdmin } from './session.ts';
import { checkIds, parseInput } from './validation.ts';

/** A `points_packages` row. */
export type AdminPointsPackage = Tables<'points_packages'>;

/** A new points package; limits mirror the table's checks. */
export const pointsPackageCreateSchema = z.strictObject({
  name: z.string({ error: 'Enter a name' }).trim().min(1, 'Required').max(120, 'At most 120 characters'),
  description: z.string().max(2000, 'At most 2000 characters').optional(),
  points: z.int({ error: 'Use a whole number' }).min(1, 'At least 1').max(100_000_000, 'At most 100000000'),
  price_amount: z.int({ error: 'Use a whole number of minor units (cents)' }).min(1, 'At least 1').max(99_999_999, 'At most 99999999'),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/, 'Use a lower-case ISO 4217 code, e.g. usd')
    .optional(),
  is_active: z.boolean().optional(),
});
export type PointsPackageCreateInput = z.input<typeof pointsPackageCreateSchema>;

/** Changes to a points package (at least one field). */
export const pointsPackageUpdateSchema = pointsPackageCreateSchema.partial().refine((v) => Object.keys(v).length > 0, 'Nothing to update');
export type PointsPackageUpdateInput = z.input<typeof pointsPackageUpdateSchema>;

export class AdminPointsPackagesClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Every points package, inactive ones included, cheapest first.
   *
   * @example
   * const { data, error } = await kit.admin.pointsPackages.list();
   */
  list(query: PageQuery = {}): PageRequest<AdminPointsPackage, never> {
    return pagedFromAll(query, () => this.#all());
  }

  async #all(): Promise<Result<AdminPointsPackage[]>> {
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await this.supabase.from('points_packages').select('*').order('price_amount').order('id');
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data, error: null };
  }

  /**
   * Creates a points package (`conflict` when the name is taken, case-insensitively).
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent; automatic after a network
   * failure) answers the first result; the same key with other fields is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.admin.pointsPackages.create({ name: 'Starter', points: 100, price_amount: 999 });
   */
  create(input: PointsPackageCreateInput, options?: MutationOptions): Promise<Result<AdminPointsPackage, Exclude<TableWriteErrorCodes['points_packages'], 'idempotent_replay'>>>;
  async create(input: PointsPackageCreateInput, options: MutationOptions = {}): Promise<Result<AdminPointsPackage>> {
    const parsed = parseInput(pointsPackageCreateSchema, input);
    if (parsed.error) return { data: null, error: parsed.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(
      this.supabase
        .from('points_packages')
        .insert(parsed.data as TablesInsert<'points_packages'>)
        .select('*'),
      options,
    ).single();
    if (error) {
      const failure = errorFromPostgrest(error, status);
      const replayed = replayedId(failure);
      if (!replayed) return { data: null, error: failure };
      const original = await this.supabase.from('points_packages').select('*').eq('id', replayed).single();
      if (original.error) return { data: null, error: errorFromPostgrest(original.error, original.status) };
      return { data: original.data, error: null };
    }
    return { data, error: null };
  }

  /**
   * Changes a points package. Payments already made keep the amount they were made for.
   *
   * @example
   * const { data, error } = await kit.admin.pointsPackages.update(id, { price_amount: 1299 });
   */
  update(id: string, changes: PointsPackageUpdateInput, options?: MutationOptions): Promise<Result<AdminPointsPackage, TableWriteErrorCodes['points_packages']>>;
  async update(id: string, changes: PointsPackageUpdateInput, options?: MutationOptions): Promise<Result<AdminPointsPackage>> {
    const invalid = checkIds({ id }) ?? badKey(options);
    if (invalid) return { data: null, error: invalid };
    const parsed = parseInput(pointsPackageUpdateSchema, changes);
    if (parsed.error) return { data: null, error: parsed.error };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await keyedBy(
      this.supabase
        .from('points_packages')
        .update(parsed.data as TablesUpdate<'points_packages'>)
        .eq('id', id)
        .select('*'),
      options,
    ).maybeSingle();
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    if (!data) return { data: null, error: new SdkApiError('No points package you may change has this id', 'not_found', 404) };
    return { data, error: null };
  }

  /**
   * Takes a package off sale (it stays for the payments that bought it).
   *
   * @example
   * const { error } = await kit.admin.pointsPackages.deactivate(id);
   */
  deactivate(id: string, options?: MutationOptions): Promise<Result<AdminPointsPackage, TableWriteErrorCodes['points_packages']>>;
  deactivate(id: string, options?: MutationOptions): Promise<Result<AdminPointsPackage>> {
    return this.update(id, { is_active: false }, options);
  }

  /**
   * Deletes a package nobody bought; `conflict` when payments refer to it (deactivate it instead).
   *
   * @example
   * const { error } = await kit.admin.pointsPackages.remove(id);
   */
  remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }, TableWriteErrorCodes['points_packages']>>;
  async remove(id: string, options?: MutationOptions): Promise<Result<{ id: string }>> {
    const invalid = checkIds({ id }) ?? badKey(options);
    if (invalid) return { data: null, error: invalid };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const answer = await keyedBy(this.supabase.from('points_packages').delete().eq('id', id).select('id'), options);
    if (answer.error?.code === '23503') return { data: null, error: new SdkApiError('Payments refer to this package: deactivate it instead', 'conflict', 409) };
    return removal(id, 'points package', answer);
  }
}
