import type { CampaignRules } from './campaign.ts';

/**
 * The shuffled opening (issue #27): whoever sits nearest the server, or refreshes hardest, wins
 * the burst of the first instant. With `openingShuffleMs` = W, applications that arrive in
 * [startsAt, startsAt + W) are not decided on arrival: they are collected (once per user), and
 * the first call at or after startsAt + W draws them all, in a random order, through the same
 * `decide` as every other application. Later applications are first come, first served, and never
 * before the draw: whoever arrives after W while the pool is undrawn draws it first.
 *
 * These are the rules every ledger follows (the in-memory one calls them, the Lua scripts
 * opening.lua and its callers are their twin; the ledger contract suite proves they agree).
 */

/** When the collected applications are decided; undefined when the campaign has no opening. */
export function openingDrawAt(rules: CampaignRules): Date | undefined {
  if (!rules.openingShuffleMs || !rules.startsAt) return undefined;
  return new Date(rules.startsAt.getTime() + rules.openingShuffleMs);
}

/** Whether an application at `now` is collected for the draw rather than decided at once. */
export function inShuffledOpening(rules: CampaignRules, now: Date): boolean {
  const drawAt = openingDrawAt(rules);
  if (!drawAt || !rules.startsAt) return false;
  const at = now.getTime();
  return at >= rules.startsAt.getTime() && at < drawAt.getTime();
}

/**
 * The order of the draw: a uniform shuffle (Fisher-Yates) of `items`, with `random(n)` giving a
 * whole number from 1 to n (Lua's `math.random(n)`, which the scripts use). A new array.
 */
export function drawOrder<T>(items: readonly T[], random: (n: number) => number): T[] {
  const order = [...items];
  for (let i = order.length; i >= 2; i--) {
    const j = random(i);
    [order[i - 1], order[j - 1]] = [order[j - 1] as T, order[i - 1] as T];
  }
  return order;
}
