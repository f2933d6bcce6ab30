import type { TrainMode, TrainSettings } from '../../../contract/training.js';
import { ConditionalMode } from './conditional-mode.js';
import { CycleganMode } from './cyclegan-mode.js';
import { Pix2pixMode } from './pix2pix-mode.js';
import type { TrainingData } from '../training-data.js';
import type { TrainingMode } from './training-mode.js';

export type { GeneratorRole, TrainingMode } from './training-mode.js';
export { ConditionalMode, CycleganMode, Pix2pixMode };

/** A mode's class: how it opens a run's folders, and its instance for a run. */
interface ModeClass {
  openData(settings: TrainSettings): Promise<TrainingData>;
  new (settings: TrainSettings, conditionSize: number): TrainingMode;
}

/** Every training mode, by the name settings give it. */
const MODES: Record<TrainMode, ModeClass> = {
  cyclegan: CycleganMode,
  pix2pix: Pix2pixMode,
  conditional: ConditionalMode,
};

/** The mode object of a run (its settings' recipe) and the run's folders, opened the way the mode reads them. */
export async function openTrainingMode(settings: TrainSettings): Promise<{ mode: TrainingMode; data: TrainingData }> {
  const Mode = MODES[settings.mode];
  const data = await Mode.openData(settings);
  return { mode: new Mode(settings, data.conditionSize), data };
}
