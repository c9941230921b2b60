/** Progress lines for the stack scripts: one prefix so a reader can tell them from server output. */
export function step(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}

export class StackError extends Error {
  override name = 'StackError';
}
