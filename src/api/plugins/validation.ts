import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { FieldError } from '../schemas/problem.js';
import { TEXT_PATTERN } from '../schemas/text.js';

export type ValidationPart = FieldError['in'];

// ajv-formats is CommonJS with a default export: under NodeNext it arrives as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    removeAdditional: false,
    ...options,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Bodies are validated exactly as written: no coercion ("16" is not 16), no defaults filled in, no
 * unknown field silently dropped. Query strings and path parameters arrive as text and are coerced.
 */
const bodyAjv = makeAjv({ coerceTypes: false, useDefaults: false });
const textAjv = makeAjv({ coerceTypes: true, useDefaults: true });

// The same schema object (the plan spec of two routes) is compiled once: ajv refuses a second `$id`.
const compiled = new WeakMap<object, ValidateFunction>();

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const key = schema as object;
  let validate = compiled.get(key);
  if (!validate) {
    validate = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);
    compiled.set(key, validate);
  }
  return validate as ReturnType<FastifySchemaCompiler<FastifySchema>>;
};

/** Shared schemas referenced by `$ref` from route schemas (the plan spec, the Problem document). */
export function addSharedSchema(schema: object): void {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('a shared schema needs an $id');
  for (const ajv of [bodyAjv, textAjv]) if (!ajv.getSchema(id)) ajv.addSchema(schema);
}

const branchOf = (error: ErrorObject, anyOf: ErrorObject): string | undefined =>
  error.schemaPath.startsWith(`${anyOf.schemaPath}/`) &&
  (error.instancePath === anyOf.instancePath || error.instancePath.startsWith(`${anyOf.instancePath}/`))
    ? error.schemaPath.slice(anyOf.schemaPath.length + 1).split('/')[0]
    : undefined;

/** A branch that failed on its discriminator (kind, mode, decision: a `const` one level down) or type. */
function rejectedOutright(errors: ErrorObject[], anyOf: ErrorObject): boolean {
  return errors.some(
    (e) =>
      (e.keyword === 'type' && e.instancePath === anyOf.instancePath) ||
      (e.keyword === 'const' &&
        e.instancePath.startsWith(`${anyOf.instancePath}/`) &&
        !e.instancePath.slice(anyOf.instancePath.length + 1).includes('/')),
  );
}

/** What none of the branches accepted, said once: "must be one of …" for the discriminator. */
function noBranchMatched(branches: Map<string, ErrorObject[]>, anyOf: ErrorObject): ErrorObject[] {
  const allowed = new Map<string, unknown[]>();
  for (const errors of branches.values()) {
    for (const e of errors) {
      if (e.keyword === 'const') {
        const list = allowed.get(e.instancePath) ?? [];
        list.push((e.params as { allowedValue: unknown }).allowedValue);
        allowed.set(e.instancePath, list);
      }
    }
  }
  // Every branch wanted the same type (an object, say) and got another: say that.
  const types = [...branches.values()].map(
    (errors) => errors.find((e) => e.keyword === 'type' && e.instancePath === anyOf.instancePath)?.message,
  );
  if (types.length > 0 && types.every((t) => t !== undefined && t === types[0])) {
    return [{ ...anyOf, keyword: 'type', message: types[0]! }];
  }
  if (allowed.size === 1) {
    const [[instancePath, values]] = [...allowed] as [[string, unknown[]]];
    return [
      {
        ...anyOf,
        instancePath,
        keyword: 'enum',
        message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
      },
    ];
  }
  return [{ ...anyOf, message: 'does not match any of the allowed forms' }];
}

/**
 * ajv reports a union (anyOf) with every branch's errors. Keep only the branch the value meant (its
 * discriminator matched), so a bad `target` of an `rds-instance` reads as that, not as four failures.
 */
export function simplifyUnionErrors(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  // Outermost first: an inner union's errors belong to a branch of the outer one.
  const outer = unions.filter((u) => !unions.some((o) => o !== u && branchOf(u, o) !== undefined));
  if (outer.length === 0) return errors;
  const consumed = new Set<ErrorObject>();
  const replacements: ErrorObject[] = [];
  for (const anyOf of outer) {
    consumed.add(anyOf);
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      const branch = branchOf(e, anyOf);
      if (branch === undefined) continue;
      consumed.add(e);
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const meant = [...branches.values()].find((branchErrors) => !rejectedOutright(branchErrors, anyOf));
    replacements.push(...(meant ? simplifyUnionErrors(meant) : noBranchMatched(branches, anyOf)));
  }
  return [...errors.filter((e) => !consumed.has(e)), ...replacements];
}

function toFieldError(error: ErrorObject, part: ValidationPart): FieldError {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return {
      in: part,
      path: `${error.instancePath}/${String(params.missingProperty)}`,
      message: 'is required',
    };
  }
  if (error.keyword === 'additionalProperties') {
    const field = String(params.additionalProperty);
    return {
      in: part,
      path: `${error.instancePath}/${field}`,
      message:
        field === 'by' && part === 'body'
          ? 'unknown field: who acts is the name of the caller’s token, never a body field'
          : 'unknown field',
    };
  }
  if (error.keyword === 'pattern' && params.pattern === TEXT_PATTERN) {
    return {
      in: part,
      path: error.instancePath || '/',
      message:
        'must contain a visible character, and no control, zero-width or bidi-override character (refused, not stripped)',
    };
  }
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    const values = params.allowedValues.map((v) => JSON.stringify(v)).join(', ');
    return { in: part, path: error.instancePath || '/', message: `must be one of ${values}` };
  }
  return { in: part, path: error.instancePath || '/', message: error.message ?? error.keyword };
}

/** ajv's errors of one part of the request as the problem document's field errors, deduplicated. */
export function fieldErrors(errors: ErrorObject[], part: ValidationPart): FieldError[] {
  const seen = new Set<string>();
  return simplifyUnionErrors(errors)
    .map((e) => toFieldError(e, part))
    .filter((e) => {
      const key = `${e.path} ${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
