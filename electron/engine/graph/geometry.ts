/**
 * The sliding window of a spatial layer along one axis (square kernels: both axes alike). One
 * description serves the shape rules of the op table, the static shapes of training graphs
 * and the strip runner, which needs to know which input rows a strip of output rows reads.
 */
export interface KernelWindow {
  readonly kernel: number;
  readonly stride: number;
  /** Zero padding on each side (of the input; of the output for a transposed window). */
  readonly pad: number;
  /** A transposed window (ConvTranspose): each input position spreads over `kernel` outputs. */
  readonly transposed: boolean;
  /** Extra output rows at the far end of a transposed window. */
  readonly outputPadding: number;
}

/** Output length along an axis of `n` input positions. */
export function windowSide(w: KernelWindow, n: number): number {
  return w.transposed ? (n - 1) * w.stride - 2 * w.pad + w.kernel + w.outputPadding : Math.floor((n + 2 * w.pad - w.kernel) / w.stride) + 1;
}

/**
 * The input positions output positions [y0, y1) read, as [from, to), and how many output
 * positions before y0 a run over exactly those inputs makes (`skip`). A plain window counts
 * positions in its padded input (from 0 at the top of the padding: positions outside the
 * input are its zeros); a transposed one is clipped to the `n` inputs there are.
 */
export function windowInputs(w: KernelWindow, y0: number, y1: number, n: number): { from: number; to: number; skip: number } {
  if (!w.transposed) return { from: w.stride * y0, to: w.stride * (y1 - 1) + w.kernel, skip: 0 };
  // Output y gathers inputs i with stride * i - pad + t = y for t < kernel.
  const from = Math.max(0, Math.ceil((y0 + w.pad - w.kernel + 1) / w.stride));
  const to = Math.min(n - 1, Math.floor((y1 - 1 + w.pad) / w.stride)) + 1;
  return { from, to, skip: y0 - (w.stride * from - w.pad) };
}

/**
 * The window as attributes of ONNX Conv (or ConvTranspose when transposed). `rowsPadded`:
 * the input rows arrive padded already (strip models), so only the width is padded.
 */
export function windowAttributes(w: KernelWindow, rowsPadded = false): Record<string, number[]> {
  const { kernel: k, stride: s, pad: p } = w;
  const attrs: Record<string, number[]> = { kernel_shape: [k, k], strides: [s, s], pads: rowsPadded ? [0, p, 0, p] : [p, p, p, p] };
  if (w.transposed) attrs.output_padding = rowsPadded ? [0, w.outputPadding] : [w.outputPadding, w.outputPadding];
  return attrs;
}
