import type { FarmSettings } from '../contract/settings.js';
import { StudioError, toResult } from '../engine/errors.js';
import { farmRedis } from '../engine/farm/redis-connection.js';
import { FarmSubmitter } from '../engine/farm/farm-submitter.js';
import { SharedFolderStorage } from '../engine/farm/shared-folder-storage.js';
import type { ModelLibrary } from '../engine/library/model-library.js';
import type { FarmRoute } from './job-manager.js';

/** Items the studio keeps on the farm at once: enough to keep a few workers busy. */
const FARM_IN_FLIGHT = 8;

/**
 * The farm of Settings > Farm, as the JobManager's route for farm batches. Only the farm's own
 * modules are imported (never the engine's runtime): the studio sends items, workers translate.
 */
export class StudioFarm {
  private current: { key: string; submitter: FarmSubmitter } | undefined;

  constructor(
    private readonly library: ModelLibrary,
    private readonly onProgress: (jobId: string, index: number, fraction: number, status: string) => void,
  ) {}

  /** Opens the farm the settings name (checked: a Redis URL, a shared folder that exists). */
  async use(settings: FarmSettings): Promise<FarmSubmitter> {
    const key = `${settings.redis}\0${settings.shared}`;
    if (this.current?.key === key) return this.current.submitter;
    if (settings.shared.trim() === '') throw new StudioError('BAD_ARGUMENT', 'Settings > Farm: the shared folder is not set');
    const redis = farmRedis(settings.redis.trim() === '' ? undefined : settings.redis.trim());
    const storage = await SharedFolderStorage.open(settings.shared.trim());
    await this.close();
    this.current = { key, submitter: new FarmSubmitter(redis, storage, this.library) };
    return this.current.submitter;
  }

  route(): FarmRoute | undefined {
    const submitter = this.current?.submitter;
    if (submitter === undefined) return undefined;
    return {
      inFlight: FARM_IN_FLIGHT,
      translator: {
        translate: (args) =>
          toResult(() =>
            submitter.translate(
              {
                batch: args.jobId,
                index: args.index,
                input: args.input,
                outDir: args.outDir,
                model: args.model,
                format: args.format,
                quality: args.quality,
                nameSuffix: args.nameSuffix,
                ...(args.attributes === undefined ? {} : { attributes: args.attributes }),
              },
              (fraction, status) => this.onProgress(args.jobId, args.index, fraction, status),
            ),
          ),
      },
      finished: (jobId, outDir) => void submitter.finish(jobId, outDir),
    };
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.submitter.close();
  }
}
