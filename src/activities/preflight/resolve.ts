import { MAX_PLAN_RESOURCES } from '../../domain/plan-spec.js';
import type { ResourceKind } from '../../domain/contract.js';
import { resourceKey } from '../../domain/naming.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import type { PreflightFinding, ResolvedResource } from '../../domain/resources.js';
import type { AwsEnvironment } from '../aws/clients.js';
import { awsErrorCode, throwIfTransient } from '../aws/errors.js';
import { allKindModules } from '../kinds/index.js';

/**
 * The plan's resources: the explicit ones, plus what the tag selector finds in recovery (each kind
 * module resolves its own kind). An explicit entry wins over a found one with the same source; a found
 * one whose target another resource already has is reported, not added.
 */
export async function resolveResources(
  spec: PlanSpec,
  recovery: AwsEnvironment,
): Promise<{ resources: ResolvedResource[]; findings: PreflightFinding[] }> {
  const findings: PreflightFinding[] = [];
  const resources: ResolvedResource[] = (spec.resources ?? []).map((r) => ({
    key: resourceKey(r),
    kind: r.kind,
    source: r.source,
    target: r.target,
    ...(r.options ? { options: r.options as Record<string, unknown> } : {}),
  }));
  if (!spec.select) return { resources, findings };
  const kinds = new Set<ResourceKind>(spec.select.kinds ?? allKindModules().map((m) => m.kind));
  const missing = [...kinds].filter((k) => !allKindModules().some((m) => m.kind === k));
  for (const kind of missing)
    findings.push({
      severity: 'error',
      check: 'selection',
      message: `this worker cannot resolve ${kind} resources`,
    });
  for (const module of allKindModules().filter((m) => kinds.has(m.kind))) {
    try {
      for (const found of await module.resolveSelection(recovery, spec.select.tags)) {
        const key = resourceKey({ kind: module.kind, target: found.target });
        if (resources.some((r) => r.kind === module.kind && r.source === found.source)) continue;
        if (resources.some((r) => r.key === key)) {
          findings.push({
            resource: key,
            severity: 'error',
            check: 'name-conflict',
            message: `${found.source} (selected by tags) would fail back as ${found.target}, which another resource of the plan already targets`,
          });
          continue;
        }
        resources.push({
          key,
          kind: module.kind,
          source: found.source,
          target: found.target,
          ...(found.sourceDetails ? { sourceDetails: found.sourceDetails } : {}),
        });
      }
    } catch (error) {
      throwIfTransient(error, 'preflight');
      findings.push({
        severity: 'error',
        check: 'selection',
        message: `resolving ${module.kind} by tags failed: ${awsErrorCode(error) ?? ''} ${(error as Error).message}`,
      });
    }
  }
  if (resources.length > MAX_PLAN_RESOURCES)
    findings.push({
      severity: 'error',
      check: 'selection',
      message: `the plan resolves to ${resources.length} resources, more than ${MAX_PLAN_RESOURCES}: split it into several plans (by tag or kind)`,
    });
  if (resources.length === 0)
    findings.push({
      severity: 'error',
      check: 'selection',
      message: 'the plan has no resources: nothing matched the selector',
    });
  return { resources, findings };
}
