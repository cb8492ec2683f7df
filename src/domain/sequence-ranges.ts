/**
 * Sequence ranges as the persistence audit compares them: ranges of `size` sequences from
 * `from`, the i-th covering [from + i·size, from + (i+1)·size − 1], the last one cut at `to`.
 */

/** The first sequence of every range, in order. */
export function rangeStarts(from: number, to: number, size: number): number[] {
  const starts: number[] = [];
  for (let start = from; start <= to; start += size) starts.push(start);
  return starts;
}

/** How many of `sequences` fall in each range (those outside [from, to] are left out). */
export function countInRanges(
  sequences: Iterable<number>,
  from: number,
  to: number,
  size: number,
): number[] {
  const counts = rangeStarts(from, to, size).map(() => 0);
  for (const sequence of sequences) {
    if (sequence < from || sequence > to) continue;
    const range = Math.floor((sequence - from) / size);
    counts[range] = (counts[range] ?? 0) + 1;
  }
  return counts;
}
