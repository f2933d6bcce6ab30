/**
 * The process under test of file-fuzz.ts: imports each file it is sent into a scratch library,
 * the way `gan-studio import` does (checkpoint reader, architecture detection and ONNX
 * emission, or the ONNX checks and trial run), and answers how it went with its peak memory.
 */
import { join } from 'node:path';
import { StudioError } from '../electron/engine/errors.js';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { importModelFile } from '../electron/engine/library/model-importer.js';

export interface ChildRequest {
  id: number;
  path: string;
  home: string;
}

export interface ChildAnswer {
  id: number;
  /** installed: the file imported; refused: a StudioError; unexpected: anything else thrown. */
  outcome: 'installed' | 'refused' | 'unexpected';
  message: string;
  /** The model files installed, to be searched for data read from outside the model's folder. */
  installed?: string;
  peakRssMB: number;
}

process.on('message', (raw) => {
  const request = raw as ChildRequest;
  void (async () => {
    const library = new ModelLibrary({ home: request.home, bundledDir: join(request.home, 'none') });
    let answer: Omit<ChildAnswer, 'peakRssMB'>;
    try {
      const { entry } = await importModelFile(library, request.path, { id: `fuzz-${request.id}` });
      answer = { id: request.id, outcome: 'installed', message: entry.manifest.architecture ?? '', installed: entry.onnxPath };
    } catch (err) {
      const internal = err instanceof StudioError && /internal reader error/.test(err.message);
      answer = err instanceof StudioError && !internal
        ? { id: request.id, outcome: 'refused', message: `${err.code}: ${err.message}` }
        : { id: request.id, outcome: 'unexpected', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    process.send?.({ ...answer, peakRssMB: process.resourceUsage().maxRSS / 1024 } satisfies ChildAnswer);
  })();
});

process.on('disconnect', () => process.exit(0));
