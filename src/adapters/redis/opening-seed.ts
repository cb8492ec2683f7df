import { randomInt } from 'node:crypto';

/**
 * The seed of a shuffled opening's draw, sent with every call that may draw (opening.lua seeds
 * math.random with it). From the OS' random source: nobody can predict, from the time or from
 * earlier draws, the order the next one will give.
 */
export function drawSeed(): number {
  return randomInt(0, 2 ** 31 - 1);
}
