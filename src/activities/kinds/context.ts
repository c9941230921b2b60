import type { StepInput } from '../../domain/resources.js';
import { awsEnvironment } from '../aws/clients.js';
import { planTags } from '../aws/tags.js';
import type { KindContext } from './resource-kind.js';

/** Builds the context of one step: clients per environment (session named after the plan), tags. */
export function kindContext(input: StepInput): KindContext {
  const { plan, resource, phase } = input;
  const sessionName = `failback-${plan.planId}`.slice(0, 64);
  return {
    input,
    plan,
    resource,
    primary: awsEnvironment(plan.primary, { sessionName }),
    recovery: awsEnvironment(plan.recovery, { sessionName }),
    crossAccount: plan.primary.accountId !== plan.recovery.accountId,
    crossRegion: plan.primary.region !== plan.recovery.region,
    tags: (extra) => planTags(plan.planId, phase, resource.source, extra, plan.planRun),
  };
}
