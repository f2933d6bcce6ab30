import { StudioError } from '../errors.js';
import { withCpuSession, type TensorInput, type TensorOutput } from '../runtime/index.js';

export interface TrialInterface {
  image: string;
  condition?: { name: string; size: number };
  fixedSize?: { width: number; height: number };
  sizeMultiple: number;
  preferredSize: number;
}

/** The smallest side a trial uses (a multiple of the model's), and the user's size as the second try. */
function trialSides(io: TrialInterface): number[] {
  const m = Math.max(1, io.sizeMultiple);
  const small = Math.ceil(64 / m) * m;
  const preferred = Math.max(m, Math.round(io.preferredSize / m) * m);
  return preferred === small ? [small] : [small, preferred];
}

/** Turns onnxruntime's words for a missing kernel into the user's. */
function explain(message: string): string {
  const missing = /Could not find an implementation for (\S+)\((\d+)\)/.exec(message) ?? /No Op registered for (\S+) with domain_version of (\d+)/.exec(message);
  if (missing !== null) return `operator ${missing[1]} (opset ${missing[2]}) has no implementation in onnxruntime's CPU provider`;
  return message.split('\n')[0]?.slice(0, 400) ?? message;
}

/**
 * Runs an ONNX model once on a small grey image (and a zero condition vector) on the CPU before
 * it is installed: a model that cannot be opened or run, or that answers with something other
 * than a finite RGB image, is refused at import instead of failing on the user's first photo.
 */
export async function trialRunOnnx(path: string, model: Uint8Array, io: TrialInterface): Promise<string> {
  const sides = io.fixedSize === undefined ? trialSides(io) : [0];
  let opened = false;
  try {
    return await withCpuSession(model, async (run) => {
      opened = true;
      let lastError = '';
      for (const side of sides) {
        const width = io.fixedSize?.width ?? side;
        const height = io.fixedSize?.height ?? side;
        const feeds: Record<string, TensorInput> = { [io.image]: { data: new Float32Array(3 * width * height), dims: [1, 3, height, width] } };
        if (io.condition !== undefined) feeds[io.condition.name] = { data: new Float32Array(io.condition.size), dims: [1, io.condition.size] };
        let output: TensorOutput | undefined;
        try {
          output = [...(await run(feeds)).values()][0];
        } catch (err) {
          // Too small for the network's downsampling, perhaps: the second try is the user's size.
          lastError = `the trial run on a ${width} x ${height} image failed: ${explain(err instanceof Error ? err.message : String(err))}`;
          continue;
        }
        if (output === undefined || output.dims.length !== 4 || output.dims[1] !== 3) {
          throw new StudioError('BAD_MODEL', `${path}: the trial run answered [${output?.dims.join(', ') ?? 'nothing'}], not an RGB image [1, 3, height, width]`);
        }
        const bad = output.data.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) {
          throw new StudioError(
            'BAD_MODEL',
            `${path}: the trial run on a ${width} x ${height} grey image gave non-finite values (${String(output.data[bad])} at index ${bad}); the model would translate to black or noise`,
          );
        }
        return `trial run on a ${width} x ${height} image: ok (${output.dims[3]} x ${output.dims[2]} out)`;
      }
      throw new StudioError('BAD_MODEL', `${path}: ${lastError}`);
    });
  } catch (err) {
    if (err instanceof StudioError || opened) throw err;
    throw new StudioError('BAD_MODEL', `${path}: onnxruntime cannot open the model: ${explain(err instanceof Error ? err.message : String(err))}`);
  }
}
