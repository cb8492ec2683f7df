/**
 * The shape of a rehearsal: how many requests per second in each second of it, and who sends
 * them. Pure values, so the shape can be read (and tested) apart from the load that fires it.
 */

export type Phase = 'ramp' | 'spike' | 'plateau';

/** A stretch fired at one rate (one autocannon run). */
export interface Step {
  readonly phase: Phase;
  readonly seconds: number;
  /** Requests per second asked for. */
  readonly rate: number;
}

export interface ShapeOptions {
  /** Seconds before the opening: people arrive and refresh (answered 403 NOT_OPEN). */
  readonly rampSeconds: number;
  /** Seconds at the peak rate from the opening on. */
  readonly spikeSeconds: number;
  /** Seconds at the plateau rate after the spike. */
  readonly plateauSeconds: number;
  readonly peakRate: number;
  readonly plateauRate: number;
}

/**
 * A drop as it happens: the ramp climbs one second at a time from a tenth of the plateau to the
 * plateau while the campaign is not open yet; the opening is a spike at the peak rate; then the
 * rate settles on the plateau (late users, and winners and losers clicking again).
 */
export function shapeOf(options: ShapeOptions): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < options.rampSeconds; i += 1) {
    const share = 0.1 + (0.9 * (i + 1)) / options.rampSeconds;
    steps.push({
      phase: 'ramp',
      seconds: 1,
      rate: Math.max(1, Math.round(options.plateauRate * share)),
    });
  }
  if (options.spikeSeconds > 0) {
    steps.push({ phase: 'spike', seconds: options.spikeSeconds, rate: options.peakRate });
  }
  if (options.plateauSeconds > 0) {
    steps.push({ phase: 'plateau', seconds: options.plateauSeconds, rate: options.plateauRate });
  }
  return steps;
}

/** Requests the shape asks for in all. */
export const requestsOf = (steps: readonly Step[]) =>
  steps.reduce((sum, step) => sum + step.rate * step.seconds, 0);

/** A small seeded generator (mulberry32): the same seed draws the same users. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The users of a rehearsal: `size` ids drawn in a random order; each request is, with
 * probability `repeatShare`, a user who already clicked (clicking again), else the next new one.
 * Once every user has clicked, all that is left is people clicking again.
 */
export class UserPool {
  readonly #drawn: string[] = [];
  readonly #next: () => number;
  #fresh = 0;

  constructor(
    private readonly size: number,
    private readonly repeatShare: number,
    private readonly prefix: string,
    seed = 1,
  ) {
    this.#next = random(seed);
  }

  next(): string {
    const again =
      this.#drawn.length > 0 && (this.#fresh >= this.size || this.#next() < this.repeatShare);
    if (again) return this.#drawn[Math.floor(this.#next() * this.#drawn.length)]!;
    const user = `${this.prefix}-${this.#fresh}`;
    this.#fresh += 1;
    this.#drawn.push(user);
    return user;
  }

  /** Distinct users who clicked so far. */
  get distinct(): number {
    return this.#drawn.length;
  }
}
