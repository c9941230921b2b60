// The workflow bundle's entry point: every workflow type the worker serves, and nothing else.
export { environmentProbe } from './environment-probe.js';
