import { displayText } from '../display-text.js';
import { StudioError } from '../errors.js';

/**
 * Why a checkpoint cannot be read, before the file's name is known to the code that found
 * out. `parseCheckpoint` turns it into a StudioError whose message starts with the label.
 *
 * - foreign: the bytes are not a PyTorch checkpoint at all (an image, a text file, ...).
 * - truncated: the file ends before the data it announces.
 * - bad: a damaged or unsupported checkpoint (bad opcode, memo, length, structure).
 */
export class CheckpointProblem extends Error {
  constructor(
    readonly kind: 'foreign' | 'truncated' | 'bad',
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointProblem';
  }
}

/** The pickle names a global outside the allowlist. Nothing has been, or will be, run. */
export class UnsafeGlobal extends Error {
  constructor(
    readonly module: string,
    readonly global: string,
  ) {
    super(`${module}.${global}`);
    this.name = 'UnsafeGlobal';
  }
}

export function bad(message: string): never {
  throw new CheckpointProblem('bad', message);
}

export function truncated(message: string): never {
  throw new CheckpointProblem('truncated', message);
}

export function foreign(message: string): never {
  throw new CheckpointProblem('foreign', message);
}

/** Text from the file, made safe to show: printable, and not absurdly long. */
export function shown(text: string, max = 80): string {
  const clean = displayText(text);
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** "a, b, c and 4 more": a bounded list for error messages. */
export function listSome(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The StudioError a user sees for anything thrown while reading `label`. */
export function asStudioError(err: unknown, label: string): StudioError {
  if (err instanceof StudioError) return err;
  if (err instanceof UnsafeGlobal) {
    const name = shown(`${err.module}.${err.global}`, 120);
    const detail = /^torch\.nn\./.test(err.module)
      ? 'The file looks like a whole pickled model (torch.save(model)); save model.state_dict() instead.'
      : undefined;
    return new StudioError(
      'UNSAFE_CHECKPOINT',
      `${label}: refuses to load: the checkpoint references ${name}, which a state dict never needs; nothing was run`,
      detail === undefined ? undefined : { detail },
    );
  }
  if (err instanceof CheckpointProblem) {
    const prefix = err.kind === 'foreign' ? 'not a PyTorch checkpoint: ' : err.kind === 'truncated' ? 'truncated: ' : '';
    return new StudioError('BAD_CHECKPOINT', `${label}: ${prefix}${err.message}`);
  }
  // A safety net: the reader is written to throw only the problems above.
  const message = err instanceof Error ? err.message : String(err);
  return new StudioError('BAD_CHECKPOINT', `${label}: cannot be read (internal reader error: ${message})`, { cause: err });
}
