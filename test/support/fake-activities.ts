import { ApplicationFailure } from '@temporalio/common';
import { copyCoordinationActivities } from '../../src/activities/copy-coordination.js';
import type { Activities } from '../../src/activities/index.js';
import { resourceKey } from '../../src/domain/naming.js';
import type { ResolvedResource } from '../../src/domain/resources.js';

/**
 * Instant, canned activities for tests of workflow branching and timing only (the time-skipping
 * window tests, history-size measurements): no AWS behind them. Every product test of AWS behaviour
 * uses the real activities against the emulator.
 */
export function fakeActivities(options: { failOnce?: Set<string> } = {}): {
  activities: Activities;
  calls: string[];
} {
  const calls: string[] = [];
  const failures = options.failOnce ?? new Set<string>();
  const at = () => new Date().toISOString();
  const record = (name: string, key = '') => {
    calls.push(key ? `${name}:${key}` : name);
    const id = `${name}:${key}`;
    if (failures.has(id)) {
      failures.delete(id);
      throw ApplicationFailure.create({
        type: 'AccessDenied',
        nonRetryable: true,
        message: `injected failure of ${id}`,
      });
    }
  };
  const activities: Activities = {
    // Temporal, not AWS: the real ones (the phases share a destination's copy slots through them).
    ...copyCoordinationActivities,
    async probeEnvironment(input) {
      record('probeEnvironment');
      return { accountId: input.access.accountId, arn: 'arn:fake' };
    },
    async preflightPlan({ spec }) {
      record('preflightPlan');
      const resources: ResolvedResource[] = (spec.resources ?? []).map((r) => ({
        key: resourceKey(r),
        kind: r.kind,
        source: r.source,
        target: r.target,
      }));
      return { ok: true, resources, findings: [], wouldCreate: [], wouldRetire: [], wouldCopy: [] };
    },
    async ensureAccessStack({ planId, primary }) {
      record('ensureAccessStack');
      return { stackName: `failback-access-${planId}`, roleArn: primary.roleArn, state: 'created' };
    },
    async deleteAccessStack() {
      record('deleteAccessStack');
    },
    async readDnsRecords({ records }) {
      record('readDnsRecords');
      return records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, values: ['192.0.2.1'] }));
    },
    async cutoverDns({ records }) {
      record('cutoverDns');
      return {
        changeId: 'C1',
        previous: records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, values: ['192.0.2.1'] })),
        at: at(),
      };
    },
    async restoreDns({ previous }) {
      record('restoreDns');
      return { changed: previous.length };
    },
    async pauseRecoveryPointSchedule() {
      record('pauseRecoveryPointSchedule');
      return { paused: true };
    },
    async resumeRecoveryPointSchedule() {
      record('resumeRecoveryPointSchedule');
      return { resumed: true };
    },
    async findPlanConflicts() {
      record('findPlanConflicts');
      return [];
    },
    async quiesceSource({ resource }) {
      record('quiesceSource', resource.key);
      return { quiescedAt: at(), stopped: resource.kind === 'ec2-instance' };
    },
    async takeRecoveryPoint({ resource, phase }) {
      record('takeRecoveryPoint', resource.key);
      return { id: `rp-${phase}-${resource.target}`, capturedAt: at() };
    },
    async copyRecoveryPoint({ resource, plan }) {
      record('copyRecoveryPoint', resource.key);
      return { id: `copy-${resource.target}`, region: plan.primary.region };
    },
    async restoreIntoPrimary({ resource, phase }) {
      record('restoreIntoPrimary', resource.key);
      return {
        restored: { id: `new-${resource.target}`, name: resource.target },
        ...(phase === 'failback'
          ? {
              retirement: {
                originalId: resource.target,
                action: 'renamed' as const,
                retiredId: `${resource.target}-old`,
                at: at(),
              },
            }
          : {}),
      };
    },
    async restoreAndVerify({ resource, phase }) {
      record('restoreAndVerify', resource.key);
      return {
        restore: {
          restored: { id: `new-${resource.target}`, name: resource.target },
          ...(phase === 'failback'
            ? {
                retirement: {
                  originalId: resource.target,
                  action: 'renamed' as const,
                  retiredId: `${resource.target}-old`,
                  at: at(),
                },
              }
            : {}),
        },
        verification: { ok: true, checks: [{ name: 'items', expected: 1, actual: 1, ok: true }], at: at() },
      };
    },
    async verifyRestore({ resource }) {
      record('verifyRestore', resource.key);
      return { ok: true, checks: [{ name: 'items', expected: 1, actual: 1, ok: true }], at: at() };
    },
    async removeTestCopy({ resource }) {
      record('removeTestCopy', resource.key);
      return { removed: [`test-${resource.target}`], kept: [] };
    },
    async cleanupIntermediates({ resource }) {
      record('cleanupIntermediates', resource.key);
      return { removed: [], kept: [] };
    },
    async concludeRecovery({ resource }) {
      record('concludeRecovery', resource.key);
      return {
        finalBackup: { id: `final-${resource.target}`, capturedAt: at() },
        removed: [resource.source],
      };
    },
    async compensateResource({ resource, phase }) {
      record(`compensateResource(${phase})`, resource.key);
      return { removed: [], kept: [] };
    },
  };
  return { activities, calls };
}
