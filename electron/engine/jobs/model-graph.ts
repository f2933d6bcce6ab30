import type { ModelEntry } from '../../contract/models.js';
import { StudioError } from '../errors.js';
import type { IrGraph } from '../graph/ir.js';
import { buildGenerator } from '../nets/index.js';

/**
 * The IR graph of a library model's generator, for runs that emit their own variants of it
 * (strips, tiles). `use` names the run in the error for models without a network description.
 */
export function generatorGraph(entry: ModelEntry, use: string): IrGraph {
  const network = entry.manifest.network;
  if (network === undefined) {
    throw new StudioError('BAD_MODEL', `${entry.manifest.id}: ${use} needs the model's network description, which its manifest lacks (imported ONNX models run whole only)`);
  }
  return buildGenerator(network);
}
