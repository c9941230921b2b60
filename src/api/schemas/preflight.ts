import Type, { type Static } from 'typebox';
import { RESOURCE_KINDS } from '../../domain/contract.js';
import type { PreflightReport } from '../../domain/resources.js';
import { literals, OpenObject } from './common.js';

export const PreflightReportSchema = OpenObject(
  {
    ok: Type.Boolean({ description: 'false when any finding is an error: the plan would stop in preflight' }),
    resources: Type.Array(
      OpenObject({
        key: Type.String(),
        kind: literals(RESOURCE_KINDS),
        source: Type.String(),
        target: Type.String(),
        options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        sourceDetails: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        primaryExists: Type.Optional(Type.Boolean()),
      }),
    ),
    findings: Type.Array(
      OpenObject({
        resource: Type.Optional(Type.String()),
        severity: literals(['error', 'warning', 'info']),
        check: literals([
          'spec',
          'exists',
          'access',
          'name-conflict',
          'kms',
          'quota',
          'settings',
          'selection',
          'plan-conflict',
        ]),
        message: Type.String(),
      }),
    ),
    wouldCreate: Type.Array(Type.String()),
    wouldRetire: Type.Array(Type.String()),
    wouldCopy: Type.Array(Type.String()),
  },
  { description: 'The dry run of a plan spec: nothing was started or changed' },
);

export const _preflightFits = (report: PreflightReport): Static<typeof PreflightReportSchema> => report;
