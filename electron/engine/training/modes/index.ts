import type { TrainMode, TrainSettings } from '../../../contract/training.js';
import { ConditionalMode } from './conditional-mode.js';
import { CycleganMode } from './cyclegan-mode.js';
import { Pix2pixMode } from './pix2pix-mode.js';
import type { TrainingMode } from './training-mode.js';

export type { GeneratorRole, TrainingMode } from './training-mode.js';
export { buildCycleganStep, type CycleganStepOptions } from './cyclegan-mode.js';
export { buildPix2pixStep, type Pix2pixStepOptions } from './pix2pix-mode.js';

/** Every training mode, by the name settings give it. */
const MODES: Record<TrainMode, new (settings: TrainSettings, conditionSize: number) => TrainingMode> = {
  cyclegan: CycleganMode,
  pix2pix: Pix2pixMode,
  conditional: ConditionalMode,
};

/** The mode object of a run: its settings' recipe, for data with `conditionSize` attributes. */
export function trainingMode(settings: TrainSettings, conditionSize: number): TrainingMode {
  return new MODES[settings.mode](settings, conditionSize);
}
