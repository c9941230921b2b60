import { log } from '@temporalio/activity';
import type {
  CleanupReport,
  CompensationInput,
  ConcludeResult,
  PrimaryCopy,
  QuiesceResult,
  RecoveryPoint,
  RestoreResult,
  StepInput,
  Verification,
} from '../domain/resources.js';
import { classifyAwsError } from './aws/errors.js';
import { kindContext } from './kinds/context.js';
import { kindModule } from './kinds/index.js';
import type { KindContext, ResourceKindModule } from './kinds/resource-kind.js';

/**
 * The per-resource activities the workflows call, one per pipeline step, each dispatching to the
 * resource's kind module. Their names are part of the workflow code's contract (recorded in
 * histories): rename only with a versioning plan.
 */
async function step<T>(
  name: string,
  input: StepInput,
  run: (module: ResourceKindModule, ctx: KindContext) => Promise<T>,
): Promise<T> {
  const ctx = kindContext(input);
  const started = Date.now();
  try {
    const result = await run(kindModule(input.resource.kind), ctx);
    log.info(`${name} done`, {
      planId: input.plan.planId,
      resource: input.resource.key,
      phase: input.phase,
      ms: Date.now() - started,
    });
    return result;
  } catch (error) {
    throw classifyAwsError(error, { what: `${name} ${input.resource.key} (${input.phase})` });
  }
}

export const resourceSteps = {
  quiesceSource: (input: StepInput): Promise<QuiesceResult> =>
    step('quiesceSource', input, (m, ctx) => m.quiesce(ctx)),

  takeRecoveryPoint: (input: StepInput & { quiescedAt?: string }): Promise<RecoveryPoint> =>
    step('takeRecoveryPoint', input, (m, ctx) => m.takeRecoveryPoint(ctx, input.quiescedAt)),

  copyRecoveryPoint: (input: StepInput & { recoveryPoint: RecoveryPoint }): Promise<PrimaryCopy> =>
    step('copyRecoveryPoint', input, (m, ctx) => m.copyRecoveryPoint(ctx, input.recoveryPoint)),

  restoreIntoPrimary: (
    input: StepInput & { copy: PrimaryCopy; recoveryPoint: RecoveryPoint },
  ): Promise<RestoreResult> =>
    step('restoreIntoPrimary', input, (m, ctx) => m.restore(ctx, input.copy, input.recoveryPoint)),

  verifyRestore: (
    input: StepInput & { restore: RestoreResult; recoveryPoint: RecoveryPoint; quiescedAt?: string },
  ): Promise<Verification> =>
    step('verifyRestore', input, (m, ctx) =>
      m.verify(ctx, input.restore, input.recoveryPoint, input.quiescedAt),
    ),

  /** Restore then verify in one activity: half the history of two, and verification always follows. */
  restoreAndVerify: (
    input: StepInput & { copy: PrimaryCopy; recoveryPoint: RecoveryPoint; quiescedAt?: string },
  ): Promise<{ restore: RestoreResult; verification: Verification }> =>
    step('restoreAndVerify', input, async (m, ctx) => {
      const restore = await m.restore(ctx, input.copy, input.recoveryPoint);
      const verification = await m.verify(ctx, restore, input.recoveryPoint, input.quiescedAt);
      return { restore, verification };
    }),

  removeTestCopy: (input: StepInput): Promise<CleanupReport> =>
    step('removeTestCopy', input, (m, ctx) => m.removeTestCopy(ctx)),

  cleanupIntermediates: (input: StepInput): Promise<CleanupReport> =>
    step('cleanupIntermediates', input, (m, ctx) => m.cleanupIntermediates(ctx)),

  concludeRecovery: (input: StepInput): Promise<ConcludeResult> =>
    step('concludeRecovery', input, (m, ctx) => m.concludeRecovery(ctx)),

  compensateResource: (input: CompensationInput): Promise<CleanupReport> =>
    step('compensateResource', input, (m, ctx) => m.compensate(ctx, input)),
};
