import type { VerificationCheck } from '../../../domain/resources.js';

/** One verification check: `ok` when what AWS reports equals what the plan expects. */
export function check(
  name: string,
  expected: string | number,
  actual: string | number | undefined,
): VerificationCheck {
  const value = actual ?? 'missing';
  return { name, expected, actual: value, ok: value === expected };
}

/**
 * Second precision: AWS reports some snapshot times to the second, and the quiesce time is taken
 * before the snapshot is requested, so a snapshot of the same second is after it.
 */
export function notBefore(name: string, capturedAt: Date | undefined, quiescedAt: string): VerificationCheck {
  const floor = Math.floor(Date.parse(quiescedAt) / 1000) * 1000;
  return {
    name,
    expected: `>= ${new Date(floor).toISOString()}`,
    actual: capturedAt?.toISOString() ?? 'missing',
    ok: capturedAt !== undefined && capturedAt.getTime() >= floor,
  };
}
