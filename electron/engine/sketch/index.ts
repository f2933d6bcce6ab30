/** The sketch pad's engine side: edges from pictures, saving drawings, the example sketches. */
export { DEFAULT_SKETCH_SIZE, isLineDrawing, sketchEdges, type SketchPicture } from './sketch-edges.js';
export { DEFAULT_SKETCH_NAME, saveSketch, sketchStem, type SaveSketchArgs } from './sketch-save.js';
export { examplesDir, sketchExamples } from './sketch-examples.js';
export { decodeBase64 } from './sketch-bytes.js';
