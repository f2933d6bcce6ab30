export { runTranslateJob, type JobSummary, type TranslateJobContext } from './translate-job.js';
export { OutputWriter } from './output-writer.js';
export { parseSweep, runSweepJob, sweepValues, type SweepJobSpec, type SweepProgress, type SweepSpec } from './sweep-job.js';
export { PreviewRenderer, type PreviewRequest, type RenderedPreview } from './preview.js';
