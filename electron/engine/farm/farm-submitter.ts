import { basename } from 'node:path';
import type { ItemResult } from '../../contract/jobs.js';
import { StudioError } from '../errors.js';
import type { ModelLibrary } from '../library/model-library.js';
import { farmJob, farmModel, farmOutDir, itemErrorOf, itemResultOf, type FarmItemOptions } from './farm-jobs.js';
import { connectFarm, FarmFollower, type FarmConnection } from './farm-follower.js';
import { itemJobId } from './farm-item.js';
import type { FarmRedis } from './redis-connection.js';
import type { SharedFolderStorage } from './shared-folder-storage.js';

export interface FarmItemRequest extends FarmItemOptions {
  /** The studio's job id (a UUID): the farm batch the item belongs to. */
  batch: string;
  index: number;
  /** The input on this machine; one outside the shared folder is copied into it first. */
  input: string;
  outDir: string;
  model: string;
}

/**
 * Sends a studio's items to a farm one by one, as its JobManager hands them out, and waits for
 * each: the studio keeps its own queue rows, progress and errors and only the work moves. It
 * loads nothing of the engine's runtime (a studio process does no tensor work).
 */
export class FarmSubmitter {
  private farm: Promise<{ connection: FarmConnection; follower: FarmFollower }> | undefined;

  constructor(
    private readonly redis: FarmRedis,
    readonly storage: SharedFolderStorage,
    private readonly library: ModelLibrary,
  ) {}

  private connect(): Promise<{ connection: FarmConnection; follower: FarmFollower }> {
    this.farm ??= connectFarm(this.redis).then(
      (connection) => ({ connection, follower: new FarmFollower(connection) }),
      (err: unknown) => {
        // The next item tries again (the server may be back by then).
        this.farm = undefined;
        throw err;
      },
    );
    return this.farm;
  }

  async translate(request: FarmItemRequest, onProgress: (fraction: number, status: string) => void): Promise<ItemResult> {
    const { ref } = await farmModel(this.library, request.model, request);
    const outDir = await farmOutDir(this.storage, request.outDir).catch((err: unknown) => {
      if (err instanceof StudioError && err.code === 'BAD_ARGUMENT') {
        throw new StudioError('BAD_ARGUMENT', `the output folder ${request.outDir} is outside the farm's shared folder ${this.storage.root}: choose one inside it`);
      }
      throw err;
    });
    const input = await this.storage.keyOf(request.input).catch(() => this.storage.stageInput(request.input, request.batch, request.index));
    const { connection, follower } = await this.connect();
    const jobId = itemJobId(request.batch, request.index);
    // A retried item was a failed job under the same id: BullMQ would ignore a second add.
    await connection.queue.remove(jobId).catch(() => 0);
    const done = new Promise<ItemResult>((resolve, reject) => {
      follower.watch(jobId, {
        progress: (p) => onProgress(p.fraction, `${p.status} on ${p.worker}`),
        done: (r) => resolve(itemResultOf(r, this.storage)),
        failed: (reason) => {
          const { error, worker } = itemErrorOf(reason);
          reject(new StudioError(error.code, error.message, worker === undefined ? {} : { detail: `on farm worker ${worker}` }));
        },
      });
    });
    const job = farmJob(request.batch, request.index, { input, outDir, file: basename(request.input) }, ref, request);
    await connection.queue.add(job.name, job.data, job.opts);
    return done;
  }

  /** A batch is over: its claims and the inputs copied for it go. */
  async finish(batch: string, outDir: string): Promise<void> {
    const dir = await this.storage.keyOf(outDir).catch(() => undefined);
    if (dir !== undefined) await this.storage.forgetClaims(dir, batch).catch(() => undefined);
    await this.storage.forgetStaged(batch).catch(() => undefined);
  }

  async close(): Promise<void> {
    const farm = await this.farm?.catch(() => undefined);
    this.farm = undefined;
    farm?.follower.close();
    await farm?.connection.close();
  }
}
