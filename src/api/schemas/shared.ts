import Type from 'typebox';
import { type PlanSpec, PlanSpecSchema } from '../../domain/plan-spec.js';
import { ProblemSchema } from './problem.js';

/**
 * Schemas named once and referenced by `$ref`: the OpenAPI document lists them under components
 * (PlanSpec, Problem), and both request validators and serializers resolve them.
 */
export const SHARED_SCHEMAS = [PlanSpecSchema, ProblemSchema] as const;

/** The plan spec as a request body: a reference to the shared PlanSpec, typed as PlanSpec. */
export const PlanSpecBody = Type.Unsafe<PlanSpec>(Type.Ref('PlanSpec'));
