import { ApplicationFailure, workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';

/**
 * A test-only workflow interceptor (bundled into the child-failure test's own workflow bundle): the
 * first run of a child workflow fails after doing its work when its plan id asks for it, the way a
 * workflow fails for real (a bug, an exhausted timeout): `fail-phase-…` fails the failback phase,
 * `fail-resource-…` the first resource's failback workflow, `fail-compensation-…` the compensation.
 */
const TARGETS: Array<[marker: string, workflowType: string, idPart: string]> = [
  ['fail-phase-', 'failback', '-failback'],
  ['fail-resource-', 'resourceFailback', '-failback-rds-instance-'],
  ['fail-compensation-', 'compensation', '-compensation'],
];

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [
    {
      async execute(input, next) {
        const result = await next(input);
        const { workflowId, workflowType } = workflowInfo();
        const firstRun = !/-r\d+$/.test(workflowId);
        for (const [marker, type, idPart] of TARGETS) {
          if (workflowType === type && workflowId.includes(marker) && workflowId.includes(idPart) && firstRun)
            throw ApplicationFailure.nonRetryable(`injected failure of ${workflowId}`, 'InjectedFailure');
        }
        return result;
      },
    },
  ],
});
