import Type, { type TProperties } from 'typebox';
import { GATES, STAGES } from '../../domain/contract.js';

/**
 * Response objects accept fields they do not list: the workflow's answers grow by optional fields
 * (status.ts is additive), and the serializer must pass them on rather than drop them.
 */
export function OpenObject<T extends TProperties>(properties: T, options: { description?: string } = {}) {
  return Type.Object(properties, { additionalProperties: true, ...options });
}

export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-28T02:00:00Z'] });

/** One of these strings (an enum in the OpenAPI document). */
export function literals<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) {
  return Type.Enum(values, options);
}

export const StageSchema = literals(STAGES);
export const GateSchema = literals(GATES, { description: 'The human gate' });
