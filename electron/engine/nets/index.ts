/** The network families (one module each) and the registry that is the engine's only way to them. */
export * from './registry.js';
export { completeSettings, fieldLabel, fieldProblem, fieldSpellings } from './settings.js';
export type { Field, GeneratorFamily, GeneratorIo, StateDictView } from './family.js';
export { patchganDiscriminator, type PatchganOptions } from './patchgan-discriminator.js';
export { resnetGenerator } from './resnet-generator.js';
export { starganGenerator } from './stargan-generator.js';
export { unetGenerator } from './unet-generator.js';
