/** Small statistics and timing helpers shared by the groups. */

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/**
 * Runs `count` tasks with at most `concurrency` in flight (a closed loop, as autocannon's
 * connections are). Returns each task's latency, the wall time of the whole run, and the CPU
 * time this process spent meanwhile (all of it, including anything else running in it).
 */
export async function closedLoop(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<{ elapsedMs: number; latenciesMs: number[]; cpuMs: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const started = performance.now();
      await task(index);
      latenciesMs.push(performance.now() - started);
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const { user, system } = process.cpuUsage(cpu);
  return { elapsedMs: performance.now() - started, latenciesMs, cpuMs: (user + system) / 1000 };
}

/** Runs async work over items with bounded concurrency (for seeding). */
export async function forEachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) await work(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function progress(group: string, message: string): void {
  process.stderr.write(`[${group}] ${message}\n`);
}
