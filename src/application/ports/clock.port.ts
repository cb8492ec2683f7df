/** Time comes into the core as a value; adapters read the real clock. */
export interface Clock {
  now(): Date;
}
