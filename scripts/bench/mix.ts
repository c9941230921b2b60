/** How many resources of each kind a benchmark plan of a given size holds (issue 8: 60/15/5/20). */
export interface Mix {
  ec2: number;
  rds: number;
  aurora: number;
  dynamodb: number;
}

export const MIX_SHARES: Mix = { ec2: 0.6, rds: 0.15, aurora: 0.05, dynamodb: 0.2 };

const KINDS = ['ec2', 'rds', 'aurora', 'dynamodb'] as const;

/**
 * The shares applied to `total` by largest remainder (the counts add up to `total`), with at least
 * one resource of each kind from 4 resources on, so even a small plan exercises every kind.
 */
export function mixFor(total: number): Mix {
  if (!Number.isInteger(total) || total < 1)
    throw new Error(`a plan needs 1 or more resources, not ${total}`);
  const exact = KINDS.map((k) => MIX_SHARES[k] * total);
  const counts = exact.map(Math.floor);
  const byRemainder = KINDS.map((_, i) => i).sort(
    (a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b,
  );
  for (let i = 0; counts.reduce((n, c) => n + c, 0) < total; i++) counts[byRemainder[i % 4]!]!++;
  if (total >= 4) {
    // Take from the largest kind for every kind that got none.
    for (let i = 0; i < 4; i++) {
      if (counts[i]! > 0) continue;
      const largest = counts.indexOf(Math.max(...counts));
      counts[largest]!--;
      counts[i] = 1;
    }
  }
  return { ec2: counts[0]!, rds: counts[1]!, aurora: counts[2]!, dynamodb: counts[3]! };
}

export function mixTotal(mix: Mix): number {
  return mix.ec2 + mix.rds + mix.aurora + mix.dynamodb;
}

export function describeMix(mix: Mix): string {
  return `${mix.ec2} EC2, ${mix.rds} RDS, ${mix.aurora} Aurora, ${mix.dynamodb} DynamoDB`;
}
