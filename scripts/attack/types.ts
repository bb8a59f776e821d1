/** One line of the attack table: a class of hostile input and how the platform answered it. */
export interface AttackRow {
  readonly name: string;
  readonly tried: number;
  readonly rejected: number;
  readonly wronglyAccepted: number;
  readonly crashes: number;
}
