/**
 * A workflow's Current Details (what the Temporal Web UI shows on its page), kept fresh: the workflow
 * says once how to render them, and the internals interceptor (interceptors.ts) sets them at the end
 * of every activation, after whatever changed the state. Module state is per workflow execution
 * (the SDK gives each execution its own module cache), so each run has its own renderer.
 */
let render: (() => string) | undefined;

export function describeCurrentDetails(renderer: () => string): void {
  render = renderer;
}

/** The Markdown to show now, or undefined when this workflow registered nothing (or it failed). */
export function currentDetails(): string | undefined {
  if (!render) return undefined;
  try {
    return render();
  } catch (error) {
    // Details are for people: a bug here must never fail the workflow task.
    return `(details could not be rendered: ${error instanceof Error ? error.message : String(error)})`;
  }
}
