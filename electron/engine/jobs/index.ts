export { runTranslateJob, type JobSummary, type TranslateJobContext } from './translate-job.js';
export { createPipeline, ImageToImagePipeline, ConditionalPipeline, type TranslatedImage } from './pipeline.js';
export { OutputWriter } from './output-writer.js';
