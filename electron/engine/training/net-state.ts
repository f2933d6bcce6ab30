import type { IrGraph } from '../graph/ir.js';
import type { TensorInput } from '../runtime/index.js';
import type { StateTensor } from './run-files.js';
import { stateNames } from './trainable-net.js';

/** A network of a run, as its state sees it. */
interface StateNet {
  readonly id: string;
  readonly graph: IrGraph;
}

/** One tensor of the state: its name in the step graph, the output that replaces it, its shape. */
interface Slot {
  net: string;
  key: string;
  role: 'param' | 'm' | 'v';
  name: string;
  next: string;
  shape: readonly number[];
}

/** Every tensor of the state: each network, each parameter, its value then Adam's two moments. */
function* slots(nets: readonly StateNet[]): Generator<Slot> {
  for (const net of nets) {
    for (const p of net.graph.params) {
      const n = stateNames(net.id, p.name);
      const base = { net: net.id, key: p.name, shape: p.shape };
      yield { ...base, role: 'param', name: n.param, next: n.newParam };
      yield { ...base, role: 'm', name: n.m, next: n.newM };
      yield { ...base, role: 'v', name: n.v, next: n.newV };
    }
  }
}

/**
 * What a run trains: for each network, each parameter, its value and Adam's first and second
 * moments, by the step graph's names (`stateNames`). The one place that walks them: a new run
 * starts them, a step is fed them and replaces them, a checkpoint stores them and a resume
 * reads them back.
 */
export class NetState {
  private constructor(
    private readonly nets: readonly StateNet[],
    private readonly values: Map<string, Float32Array>,
  ) {}

  /** A new run: the starting weights of each network (by id, then key) and zero moments. */
  static fresh(nets: readonly StateNet[], weights: ReadonlyMap<string, ReadonlyMap<string, Float32Array>>): NetState {
    const values = new Map<string, Float32Array>();
    for (const slot of slots(nets)) {
      const start = weights.get(slot.net)?.get(slot.key);
      if (start === undefined) throw new Error(`no starting weight for ${slot.net}/${slot.key}`);
      values.set(slot.name, slot.role === 'param' ? start : new Float32Array(start.length));
    }
    return new NetState(nets, values);
  }

  /** A checkpoint's state; `lacks` says what to do about a tensor it does not hold. */
  static restore(nets: readonly StateNet[], tensors: ReadonlyMap<string, Float32Array>, lacks: (name: string) => never): NetState {
    const values = new Map<string, Float32Array>();
    for (const { name } of slots(nets)) values.set(name, tensors.get(name) ?? lacks(name));
    return new NetState(nets, values);
  }

  private value(name: string): Float32Array {
    return this.values.get(name) ?? new Float32Array();
  }

  /** The state as step-graph inputs. */
  feeds(): Record<string, TensorInput> {
    const feeds: Record<string, TensorInput> = {};
    for (const { name, shape } of slots(this.nets)) feeds[name] = { data: this.value(name), dims: shape };
    return feeds;
  }

  /** Takes a step's outputs: each tensor's updated value replaces it. */
  absorb(out: ReadonlyMap<string, Float32Array>): void {
    for (const { name, next } of slots(this.nets)) {
      const value = out.get(next);
      if (value === undefined) throw new Error(`step graph did not return ${next}`);
      this.values.set(name, value);
    }
  }

  /** The state as checkpoint tensors. */
  tensors(): Map<string, StateTensor> {
    const tensors = new Map<string, StateTensor>();
    for (const { name, shape } of slots(this.nets)) tensors.set(name, { shape, data: this.value(name) });
    return tensors;
  }

  /** One network's current weights by state-dict key. */
  weights(netId: string): Map<string, Float32Array> {
    const net = this.nets.find((n) => n.id === netId);
    if (net === undefined) throw new Error(`run has no network ${netId}`);
    return new Map(net.graph.params.map((p) => [p.name, this.value(stateNames(netId, p.name).param)]));
  }
}
