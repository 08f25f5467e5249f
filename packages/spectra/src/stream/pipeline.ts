/** Reading the next gulp while the current one is processed. */

/**
 * Runs `use` on each item's data in order, reading the next item while the current one is used
 * (file reads run on libuv's threads, processing on the core's). A read in flight when `use`
 * fails is awaited before the error is passed on, so it never outlives the file.
 */
export async function pipelined<T, D>(items: readonly T[], read: (item: T, index: number) => Promise<D>, use: (data: D, item: T) => void | Promise<void>): Promise<void> {
  let next: Promise<D> | undefined = items.length > 0 ? read(items[0], 0) : undefined;
  for (let i = 0; i < items.length; i++) {
    const data = await (next as Promise<D>);
    next = i + 1 < items.length ? read(items[i + 1], i + 1) : undefined;
    try {
      await use(data, items[i]);
    } catch (error) {
      await next?.catch(() => undefined);
      throw error;
    }
  }
}
