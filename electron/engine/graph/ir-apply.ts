import type { IrGraph } from './ir.js';
import { opOf } from './op-table.js';
import type { Tape } from './tape.js';

/**
 * Runs an IR network on a Tape, differentiably: each node as its op-table entry applies it on
 * a tape, so that the autodiff can walk back through the recorded operations.
 * `params` maps each parameter key to its tape value (a graph input, or updated weights).
 */
export function applyIr(t: Tape, graph: IrGraph, params: ReadonlyMap<string, string>, inputs: Readonly<Record<string, string>>): string {
  const values = new Map<string, string>(Object.entries(inputs));
  const constants = new Set(graph.constants.map((c) => c.name));
  const get = (name: string): string => {
    const v = values.get(name) ?? params.get(name);
    if (v === undefined) throw new Error(`${graph.name}: no value for ${name}`);
    return v;
  };
  const tapeValues = { get, param: (name: string | null): string | null => (name === null || constants.has(name) ? null : get(name)) };

  for (const input of graph.inputs) get(input.name);
  for (const node of graph.nodes) values.set(node.output, opOf(node).onTape(node, t, tapeValues));
  return get(graph.output.name);
}
