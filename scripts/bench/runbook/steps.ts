import type { AwsEnvironment } from '../../../src/activities/aws/clients.js';

/**
 * What a hand-written failback script has at hand: one session per environment (the recovery role
 * and primary's standing role), and the waits of the AWS CLI (`aws ec2 wait image-available` and
 * friends: a fixed delay between describes, 15 s for EC2, 30 s for RDS, 20 s for DynamoDB) on the
 * emulator's clock.
 */
export interface Runbook {
  recovery: AwsEnvironment;
  primary: AwsEnvironment;
  primaryAccount: string;
  recoveryRegion: string;
  /** The emulator's time scale: the CLI's delays are multiplied by it. */
  scale: number;
  /** A tag for everything the script creates, so the benchmark can tell runs apart. */
  runId: string;
}

/** The AWS CLI waiters' delays (botocore waiter definitions), in seconds. */
export const CLI_DELAY_SECONDS = { ec2: 15, rds: 30, dynamodb: 20 } as const;

/** Polls like `aws … wait …`: describe at once, then every delay, until `probe` returns a value. */
export async function cliWait<T>(
  runbook: Runbook,
  what: string,
  service: keyof typeof CLI_DELAY_SECONDS,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const delayMs = Math.max(1, CLI_DELAY_SECONDS[service] * 1000 * runbook.scale);
  // The CLI gives up after 40-60 attempts; the emulator's scaled clock allows for a slow machine.
  const deadline = Date.now() + 600_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`runbook: ${what} not reached after 600 s`);
    await new Promise((r) => setTimeout(r, delayMs));
  }
}

/** `<id>-pre-failback-<yyyymmdd>`, as the product names what it renames (and as an operator would). */
export function retiredId(id: string): string {
  return `${id}-pre-failback-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** A code of an AWS SDK error, for the "not found" answers a script checks for. */
export function errorCode(error: unknown): string {
  return error instanceof Error ? error.name : '';
}
