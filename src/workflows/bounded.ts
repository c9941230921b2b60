/**
 * Runs `task` for every item with at most `limit` in flight, in item order; results in item order.
 * Deterministic (plain promises), so usable in workflow code.
 *
 * With `settle`, a task that rejects (an abort cancelling the scope) starts no further task and the
 * call rejects only once every task in flight has ended: compensation must not begin while an
 * activity or child of this call still acts (decision 0030).
 */
export async function boundedAll<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  options: { settle?: boolean } = {},
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      if (!options.settle) {
        const index = next++;
        results[index] = await task(items[index]!, index);
        continue;
      }
      if (failure) return;
      const index = next++;
      try {
        results[index] = await task(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(lanes);
  if (failure) throw failure.error;
  return results;
}
