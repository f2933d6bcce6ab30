/**
 * PyTorch checkpoints without Python: the zip and legacy containers, a pickle reader that
 * allows only what a state dict needs, and detection of the generator architecture.
 */
export { parseCheckpoint, readCheckpoint, type CheckpointTensor, type StateDict } from './reader.js';
export { parseArchitectureOption } from './arch-option.js';
export { detectArchitecture, type Detection } from './detect-architecture.js';
export { asStudioError } from './problems.js';
export { ZipArchive, type ZipEntry, type ZipSource } from './zip-archive.js';
