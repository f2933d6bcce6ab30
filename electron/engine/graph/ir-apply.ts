import * as op from './diff-ops.js';
import type { IrGraph } from './ir.js';
import type { Tape } from './tape.js';

/**
 * Runs an IR network on a Tape, differentiably: the same node definitions the inference emitter
 * lowers, here lowered to recorded operations so the autodiff can walk back through them.
 * `params` maps each parameter key to its tape value (a graph input, or updated weights).
 *
 * Normalisation: BatchNorm layers use the statistics of the whole batch, as in training mode;
 * InstanceNorm layers (StarGAN's too, despite its running statistics) use each image's own.
 */
export function applyIr(t: Tape, graph: IrGraph, params: ReadonlyMap<string, string>, inputs: Readonly<Record<string, string>>): string {
  const values = new Map<string, string>(Object.entries(inputs));
  const constants = new Set(graph.constants.map((c) => c.name));
  const get = (name: string): string => {
    const v = values.get(name) ?? params.get(name);
    if (v === undefined) throw new Error(`${graph.name}: no value for ${name}`);
    return v;
  };
  const param = (name: string | null): string | null => (name === null || constants.has(name) ? null : get(name));

  for (const input of graph.inputs) get(input.name);
  for (const node of graph.nodes) {
    let y: string;
    switch (node.op) {
      case 'conv':
        y = op.conv(t, get(node.input), get(node.weight), param(node.bias), { kernel: node.kernel, stride: node.stride, pad: node.pad });
        break;
      case 'convTranspose':
        y = op.convTranspose(t, get(node.input), get(node.weight), param(node.bias), {
          kernel: node.kernel,
          stride: node.stride,
          pad: node.pad,
          outputPadding: node.outputPadding,
        });
        break;
      case 'instanceNorm':
        y = op.normalize(t, get(node.input), param(node.scale), param(node.shift), node.batchStatistics === true ? 'batch' : 'instance', node.epsilon);
        break;
      case 'pad':
        y = op.pad(t, get(node.input), node.amount, node.mode);
        break;
      case 'relu':
        y = op.relu(t, get(node.input));
        break;
      case 'tanh':
        y = op.tanh(t, get(node.input));
        break;
      case 'sigmoid':
        y = op.sigmoid(t, get(node.input));
        break;
      case 'leakyRelu':
        y = op.leakyRelu(t, get(node.input), node.alpha);
        break;
      case 'add':
        y = op.add(t, get(node.inputs[0]), get(node.inputs[1]));
        break;
      case 'concat':
        y = op.concat(t, node.inputs.map(get));
        break;
      case 'spatialBroadcast':
        y = op.spatialBroadcast(t, get(node.input), get(node.like));
        break;
    }
    values.set(node.output, y);
  }
  return get(graph.output.name);
}
