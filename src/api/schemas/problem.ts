import Type, { type Static } from 'typebox';

export const FieldErrorSchema = Type.Object({
  in: Type.Union([
    Type.Literal('body'),
    Type.Literal('querystring'),
    Type.Literal('params'),
    Type.Literal('headers'),
  ]),
  /** JSON pointer into that part of the request, e.g. /resources/2/target */
  path: Type.String(),
  message: Type.String(),
});
export type FieldError = Static<typeof FieldErrorSchema>;

/** RFC 9457 problem details, as every error of the API is sent (`application/problem+json`). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem; about:blank for plain HTTP errors' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'Every field error (400)' })),
    planId: Type.Optional(Type.String()),
    stage: Type.Optional(Type.String({ description: '409: the plan stage the action did not fit' })),
    conflicts: Type.Optional(
      Type.Array(
        Type.Object(
          { planId: Type.String(), workflowId: Type.String(), shared: Type.Array(Type.String()) },
          { additionalProperties: true },
        ),
        { description: '409 plan-conflict: the running plans that hold the application or resources' },
      ),
    ),
  },
  { additionalProperties: true, $id: 'Problem' },
);
export type Problem = Static<typeof ProblemSchema>;

export const ProblemRef = Type.Ref('Problem');
