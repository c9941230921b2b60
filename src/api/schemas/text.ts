import Type from 'typebox';
import { problems } from '../plugins/problems.js';

/**
 * Characters an operator's text (a reason, a comment, DNS details) may not contain: C0/C1 controls
 * other than tab and line breaks, NUL among them; zero-width characters; bidi embeddings, overrides
 * (U+202E) and isolates; the BOM. They are refused, not stripped: the audit log and the report must
 * show exactly what the person sent, and a text that reads differently from what it is (a bidi
 * override) has no place in either.
 */
const FORBIDDEN =
  '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F' +
  '\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF';

/** No forbidden character anywhere and at least one visible one (linear: one starred class each side). */
export const TEXT_PATTERN = `^[^${FORBIDDEN}]*[^\\s${FORBIDDEN}][^${FORBIDDEN}]*$`;

export const MIN_REASON_LENGTH = 3;

/**
 * A person's text in a request body. Surrounding white space is trimmed before it is recorded, and
 * `minLength` counts what is left (checked by {@link trimmedText}).
 */
export function OperatorText(minLength: number, description: string) {
  return Type.String({
    minLength,
    maxLength: 2000,
    pattern: TEXT_PATTERN,
    description:
      `${description}. Trimmed; at least ${minLength} character${minLength === 1 ? '' : 's'} after ` +
      'trimming; control, zero-width and bidi-override characters are refused (400).',
  });
}

/** The trimmed text, or a 400 naming the field when too little is left of it. */
export function trimmedText(value: string, path: string, minLength: number): string {
  const text = value.trim();
  if (text.length < minLength) {
    throw problems.validation([
      {
        in: 'body',
        path,
        message: `must have at least ${minLength} character${minLength === 1 ? '' : 's'} besides white space`,
      },
    ]);
  }
  return text;
}
