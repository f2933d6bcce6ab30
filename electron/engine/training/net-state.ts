import type { IrGraph } from '../graph/ir.js';
import { DeviceValue, type Feed } from '../runtime/index.js';
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

/** Reads device values back into plain arrays (GraphRunner.download). */
export type Download = (values: ReadonlyMap<string, DeviceValue>) => Promise<Map<string, Float32Array>>;

/**
 * What a run trains: for each network, each parameter, its value and Adam's first and second
 * moments, by the step graph's names (`stateNames`). The one place that walks them: a new run
 * starts them, a step is fed them and replaces them, a checkpoint stores them and a resume
 * reads them back. During a run on a GPU they stay in the device's memory from step to step
 * (a step's updated tensors are the next step's feeds) and come back only for a checkpoint
 * and at the run's end (`settle`).
 */
export class NetState {
  private constructor(
    private readonly nets: readonly StateNet[],
    private readonly values: Map<string, Float32Array | DeviceValue>,
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

  /** A tensor's value in plain memory; the state must be settled (not on the device). */
  private value(name: string): Float32Array {
    const value = this.values.get(name) ?? new Float32Array();
    if (value instanceof DeviceValue) throw new Error(`${name} is on the device: settle the state first`);
    return value;
  }

  /** The step-graph outputs that replace the state, which a GPU session keeps on the device. */
  outputNames(): string[] {
    return [...slots(this.nets)].map((s) => s.next);
  }

  /** The state as step-graph inputs. */
  feeds(): Record<string, Feed> {
    const feeds: Record<string, Feed> = {};
    for (const { name, shape } of slots(this.nets)) {
      const value = this.values.get(name) ?? new Float32Array();
      feeds[name] = value instanceof DeviceValue ? value : { data: value, dims: shape };
    }
    return feeds;
  }

  /**
   * Takes a step's outputs: each tensor's updated value replaces it (and a replaced device buffer
   * is freed). All or nothing: a step's outputs are new buffers (onnxruntime never writes a
   * graph's outputs into its inputs), so until they are all here the state is still the last
   * good one, whole, and a failed step (or one missing an output) leaves it as it was.
   */
  absorb(out: { host: ReadonlyMap<string, Float32Array>; device: ReadonlyMap<string, DeviceValue> }): void {
    const updates = [...slots(this.nets)].map(({ name, next }) => {
      const value = out.device.get(next) ?? out.host.get(next);
      if (value === undefined) throw new Error(`step graph did not return ${next}`);
      return [name, value] as const;
    });
    for (const [name, value] of updates) {
      const old = this.values.get(name);
      if (old instanceof DeviceValue && old !== value) old.dispose();
      this.values.set(name, value);
    }
  }

  /** Frees the buffers of a device that can no longer be read; the state must be restored after this. */
  discardDevice(): void {
    for (const [name, value] of this.onDevice()) {
      try {
        value.dispose();
      } catch {
        // a lost device's buffers may be gone already
      }
      this.values.delete(name);
    }
  }

  /** The tensors now on the device, by state name. */
  private onDevice(): Map<string, DeviceValue> {
    return new Map([...this.values].filter((e): e is [string, DeviceValue] => e[1] instanceof DeviceValue));
  }

  /** The state as checkpoint tensors, read from the device where it is there (it stays there). */
  async tensors(download?: Download): Promise<Map<string, StateTensor>> {
    const onDevice = this.onDevice();
    const copies = onDevice.size === 0 || download === undefined ? new Map<string, Float32Array>() : await download(onDevice);
    const tensors = new Map<string, StateTensor>();
    for (const { name, shape } of slots(this.nets)) tensors.set(name, { shape, data: copies.get(name) ?? this.value(name) });
    return tensors;
  }

  /** The state as checkpoint tensors, all in plain memory (a run's start; a settled state). */
  hostTensors(): Map<string, StateTensor> {
    return new Map([...slots(this.nets)].map(({ name, shape }) => [name, { shape, data: this.value(name) }]));
  }

  /** Brings every tensor back from the device into plain memory (a run's end), freeing the buffers. */
  async settle(download: Download): Promise<void> {
    const onDevice = this.onDevice();
    if (onDevice.size === 0) return;
    const copies = await download(onDevice);
    for (const [name, value] of onDevice) {
      const copy = copies.get(name);
      if (copy === undefined) throw new Error(`the device did not return ${name}`);
      this.values.set(name, copy);
      value.dispose();
    }
  }

  /** One network's current weights by state-dict key. */
  weights(netId: string): Map<string, Float32Array> {
    const net = this.nets.find((n) => n.id === netId);
    if (net === undefined) throw new Error(`run has no network ${netId}`);
    return new Map(net.graph.params.map((p) => [p.name, this.value(stateNames(netId, p.name).param)]));
  }
}
