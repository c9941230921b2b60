/**
 * The identity policies of the two roles a customer creates for the orchestrator (README, "The roles a
 * plan uses"): the standing recovery role, and the bootstrap role in primary that creates and deletes
 * each plan's access stack (whose role's policy is the template's). Least privilege, measured by the
 * tests against the emulator's authorization (test/least-privilege.int.test.ts).
 */
import bootstrap from './bootstrap-role.json' with { type: 'json' };
import recovery from './recovery-role.json' with { type: 'json' };

export interface PolicyDocument {
  Version: string;
  Statement: Array<Record<string, unknown>>;
}

export const RECOVERY_ROLE_POLICY: PolicyDocument = recovery;
export const BOOTSTRAP_ROLE_POLICY: PolicyDocument = bootstrap;
