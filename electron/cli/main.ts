import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { QUALITY } from '../contract/settings.js';
import { StudioError, toErrorInfo } from '../engine/errors.js';
import { parseSweep, type SweepSpec } from '../engine/jobs/index.js';
import { DEFAULT_MODEL, ModelLibrary } from '../engine/library/index.js';
import { packageVersion, studioCacheDir } from '../engine/library/paths.js';
import { logsDir, openLogFile, processLogger } from '../engine/logging/index.js';
import { architectureNames } from '../engine/nets/index.js';
import { DEVICE_CHOICES, float16Setting, SessionManager } from '../engine/runtime/index.js';
import { collectSetting, parseFormat, parseIntIn, parseList } from './args.js';
import { catalogCommand, downloadCommand } from './catalog-command.js';
import { useCliLogger, type CliLogOptions } from './cli-logging.js';
import { farmCancelCommand, farmStatusCommand, farmTranslateCommand, workerCommand, type FarmCliOptions, type FarmTranslateCliOptions, type WorkerCliOptions } from './farm-command.js';
import { importCommand, type ImportCliOptions } from './import-command.js';
import { modelsCommand } from './models-command.js';
import { serveCommand, type ServeCliOptions } from './serve-command.js';
import { trainCommand, trainSettingOptions, type TrainCliOptions } from './train-command.js';
import { translateCommand, type TranslateCliOptions } from './translate-command.js';

function parseSweepOption(value: string): SweepSpec {
  try {
    return parseSweep(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

/** An "Examples:" section for --help: what each does, then the command. */
function examples(list: [string, string][]): string {
  return `\nExamples:\n${list.map(([what, command]) => `  # ${what}\n  $ ${command}`).join('\n')}\n`;
}

/** Errors that come from how the command was called rather than from the files: exit 2. */
const USAGE_CODES = new Set(['BAD_ARGUMENT', 'MODEL_NOT_FOUND']);

export async function main(argv: string[]): Promise<number> {
  const library = new ModelLibrary();
  const sessions = new SessionManager({ float16: float16Setting(studioCacheDir()) });
  let exitCode = 0;
  const program = new Command()
    .name('gan-studio')
    .description('Translate images with pix2pix, StarGAN-style and CycleGAN generators, offline.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run gan-studio --help for usage)')
    .option('--verbose', 'print debug lines (what the engine does, and how long it takes) on stderr')
    .option('--log-file <path>', 'append every log line, as JSON, to this file')
    .addHelpText(
      'after',
      examples([
        ['the models there are', 'gan-studio models'],
        ['translate a folder of photos', 'gan-studio translate -m day2night ~/Pictures/trip -o night'],
        ['the studio in a browser', 'gan-studio serve --open'],
        ['debug lines, and a log file to attach to a bug report', 'gan-studio --verbose --log-file run.log translate photo.jpg'],
        ['help on one command', 'gan-studio translate --help'],
      ]),
    )
    .hook('preAction', async (_program, command) => {
      // serve is the studio: it logs to the logs folder like the desktop app, whatever else is asked.
      const serving = command.name() === 'serve';
      const extra = serving ? [{ level: 'info' as const, stream: await openLogFile(logsDir()) }] : [];
      useCliLogger(program.opts<CliLogOptions>(), extra, serving ? 'serve' : 'cli');
      processLogger().debug({ argv }, `gan-studio ${command.name()}`);
    });

  program
    .command('models')
    .description('list the bundled and installed models')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      exitCode = await modelsCommand(library, options);
    });

  program
    .command('translate')
    .description('translate image files or folders (recursed) with a model')
    .argument('<input...>', 'image files or folders')
    .option('-m, --model <id|path>', 'model id from `gan-studio models`, or a model folder', DEFAULT_MODEL)
    .option('-o, --out <dir>', 'output folder', 'translated')
    .addOption(new Option('-d, --device <device>', 'where to run').choices(DEVICE_CHOICES).default('auto'))
    .option('-f, --format <format>', "output format: png, jpg or webp (default: the input's, else png)", parseFormat)
    .option('-q, --quality <1-100>', 'JPEG/WebP quality (default 92)', parseIntIn(QUALITY.min, QUALITY.max))
    .option('-s, --size <pixels>', 'resize so the shorter side is this long before translating', parseIntIn(8, 16384))
    .option('--set <name=value>', "a conditional model's attribute value (repeatable)", collectSetting)
    .option('--overwrite', 'replace existing output files instead of choosing a free name')
    .option('--max-memory <MB>', 'memory one image may use; larger images run layer by layer in strips (default: a quarter of free memory, 512 to 1536 MB)', parseIntIn(64, 1_048_576))
    .option('--tile <pixels>', 'translate in overlapping tiles of this size instead of layer-by-layer strips (faster to start, norm statistics from a downscaled copy, so approximate)', parseIntIn(64, 16384))
    .option('--sweep <name=from:to:steps>', "write one output per step of a conditional model's attribute, and a contact sheet", parseSweepOption)
    .option('--json', 'print one JSON object per line on stdout: each result as it comes, then a summary')
    .addHelpText(
      'after',
      examples([
        ['translate one photo with the default model into ./translated', 'gan-studio translate photo.jpg'],
        ['a folder (recursed) into night/, as WebP at 512 px', 'gan-studio translate -m day2night ~/Pictures/trip -o night -f webp --size 512'],
        ["a conditional model's attributes", 'gan-studio translate -m scene-attributes --set time_of_day=0.8 --set fog=0.2 street.jpg'],
        ['one line per output for a script (jq picks the output paths)', "gan-studio translate --json photos/ | jq -r 'select(.type==\"output\") | .output'"],
      ]),
    )
    .action(async (inputs: string[], options: TranslateCliOptions) => {
      exitCode = await translateCommand(inputs, options, { library, sessions });
    });

  program
    .command('import')
    .description('convert a PyTorch checkpoint (.pth/.ckpt) or an ONNX model into the library; prints the new id')
    .argument('<file>', 'the checkpoint or .onnx file (never executed, never modified)')
    .option('--name <name>', 'display name (default: the file name)')
    .option('--id <id>', 'library id (default: from the name)')
    .option('--arch <arch>', `override detection: ${architectureNames()}, with options like ",ngf=64,norm=batch"`)
    .option('--attributes <a,b,...>', "a conditional model's condition entries in order (default c0,c1,...)", parseList)
    .option('--license <licence>', 'licence to record in the card')
    .addOption(new Option('--kind <kind>', 'model kind (default: from the architecture)').choices(['cyclegan', 'pix2pix', 'conditional']))
    .addOption(new Option('--range <range>', 'ONNX models: pixel range the model expects').choices(['-1..1', '0..1']))
    .option('--json', 'print one JSON object per line on stdout: each result as it comes, then a summary')
    .addHelpText(
      'after',
      examples([
        ['a junyanz CycleGAN generator checkpoint', 'gan-studio import latest_net_G.pth --name "Monet style"'],
        ['a StarGAN generator with its attribute names', 'gan-studio import 200000-G.ckpt --attributes Black_Hair,Blond_Hair,Brown_Hair,Male,Young'],
        ['the new model id, for a script', "gan-studio import model.onnx --json | jq -r 'select(.type==\"model\") | .id'"],
      ]),
    )
    .action(async (file: string, options: ImportCliOptions) => {
      exitCode = await importCommand(file, options, library);
    });

  const catalog = program
    .command('catalog')
    .description('the official pretrained models: list them, or install one (catalog install NAME)')
    .addHelpText(
      'after',
      examples([
        ['what can be downloaded', 'gan-studio catalog'],
        ['download, convert and install one', 'gan-studio catalog install horse2zebra'],
      ]),
    );
  catalog
    .command('list', { isDefault: true })
    .description('list the official pretrained models that can be downloaded')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      exitCode = await catalogCommand(library, options);
    });
  const install = (name: string, options: { json?: boolean }): Promise<void> =>
    downloadCommand(name, library, options).then((code) => void (exitCode = code));
  catalog
    .command('install')
    .description('download an official model from the catalog, convert it and install it; prints the new id')
    .argument('<name>', 'catalog name, e.g. cyclegan-horse2zebra or horse2zebra')
    .option('--json', 'print one JSON object per line on stdout: each result as it comes, then a summary')
    .action(install);

  program
    .command('download')
    .description('the same as catalog install: download an official model, convert it and install it; prints the new id')
    .argument('<name>', 'catalog name, e.g. cyclegan-horse2zebra or horse2zebra')
    .option('--json', 'print one JSON object per line on stdout: each result as it comes, then a summary')
    .action(install);

  program
    .command('serve')
    .description('run the studio in a browser: serves it on 127.0.0.1 and prints the URL (with its access token)')
    .option('-p, --port <port>', 'port to listen on (default: any free port)', parseIntIn(1, 65535))
    .option('--open', 'open the URL in the default browser')
    .action(async (options: ServeCliOptions) => {
      exitCode = await serveCommand(options);
    });

  const train = program.command('train').description('fine-tune or train a model on your own folders; prints the new model id(s) last');
  for (const option of trainSettingOptions()) train.addOption(option);
  train
    .addOption(new Option('-d, --device <device>', 'where to train').choices(DEVICE_CHOICES).default('auto'))
    .option('--threads <n>', 'CPU threads (default: all cores)', parseIntIn(1, 1024))
    .option('--run <dir>', 'run folder (default: <studio home>/runs/<name>-<time>)')
    .option('--resume <dir>', 'continue a paused or interrupted run from its last checkpoint')
    .option('--no-export', 'do not add the trained generator(s) to the library')
    .option('--json', 'print one JSON object per line on stdout: each result as it comes, then a summary')
    .addHelpText(
      'after',
      examples([
        ['CycleGAN between two folders of photos', 'gan-studio train --mode cyclegan --a ~/photos/summer --b ~/photos/winter --iterations 4000'],
        ['pix2pix from photos, with edge maps made from them as inputs', 'gan-studio train --mode pix2pix --a ~/bags --edges --name "my bags"'],
        ['fine-tune a library model', 'gan-studio train --mode pix2pix --a in/ --b out/ --from day2night'],
        ['continue a paused run', 'gan-studio train --resume ~/.config/gan-studio/runs/my-bags-20260101-120000'],
      ]),
    )
    .action(async (options: TrainCliOptions) => {
      exitCode = await trainCommand(options, library);
    });

  const redisOption = (): Option => new Option('--redis <url>', "the farm's Redis: redis://[:password@]host:6379 or rediss:// for TLS (default: $GAN_FARM_REDIS)");
  const sharedOption = (): Option => new Option('--shared <dir>', 'the folder every worker mounts; inputs and outputs live inside it (default: $GAN_FARM_SHARED)');

  program
    .command('worker')
    .description("take translate items from a farm's queue and run them with this machine's engine and library")
    .addOption(redisOption())
    .addOption(sharedOption())
    .addOption(new Option('-d, --device <device>', 'where to run').choices(DEVICE_CHOICES).default('auto'))
    .option('--concurrency <n>', 'items at once (default 1)', parseIntIn(1, 64))
    .option('--threads <n>', 'CPU threads per translation (default: all cores)', parseIntIn(1, 1024))
    .option('--name <name>', 'how the worker is named in progress and farm status (default host-pid)')
    .addOption(new Option('--lock-ms <ms>', 'how long an item stays this worker\'s without a heartbeat').argParser(parseIntIn(500, 3_600_000)).hideHelp())
    .addHelpText(
      'after',
      examples([
        ['a worker with its own library, the share mounted at /mnt/farm', 'gan-studio worker --redis rediss://:secret@queue.lan:6380 --shared /mnt/farm'],
        ['two items at once on a GPU box', 'GAN_FARM_REDIS=redis://:secret@queue.lan:6379 gan-studio worker --shared /mnt/farm --device gpu --concurrency 2'],
      ]),
    )
    .action(async (options: WorkerCliOptions) => {
      exitCode = await workerCommand(options, library);
    });

  const farm = program
    .command('farm')
    .description('batches on a farm of workers: farm translate, farm status, farm cancel')
    .addHelpText(
      'after',
      examples([
        ['a folder on the share through the farm', 'gan-studio farm translate --redis redis://:secret@queue.lan:6379 --shared /mnt/farm /mnt/farm/trip -o /mnt/farm/night'],
        ['workers and running batches', 'gan-studio farm status --redis redis://:secret@queue.lan:6379'],
      ]),
    );
  farm
    .command('translate')
    .description("translate files or folders inside the shared folder on the farm's workers")
    .argument('<input...>', 'image files or folders inside the shared folder')
    .addOption(redisOption())
    .addOption(sharedOption())
    .option('-m, --model <id|path>', 'model of this library; the workers must hold the same version (same sha256)', DEFAULT_MODEL)
    .option('-o, --out <dir>', 'output folder inside the shared folder', 'translated')
    .option('-f, --format <format>', "output format: png, jpg or webp (default: the input's, else png)", parseFormat)
    .option('-q, --quality <1-100>', 'JPEG/WebP quality (default 92)', parseIntIn(QUALITY.min, QUALITY.max))
    .option('-s, --size <pixels>', 'resize so the shorter side is this long before translating', parseIntIn(8, 16384))
    .option('--set <name=value>', "a conditional model's attribute value (repeatable)", collectSetting)
    .option('--max-memory <MB>', 'memory one image may use on a worker', parseIntIn(64, 1_048_576))
    .option('--tile <pixels>', 'translate in overlapping tiles of this size', parseIntIn(64, 16384))
    .option('--json', 'print one JSON object per line on stdout: each result as it comes, then a summary')
    .action(async (inputs: string[], options: FarmTranslateCliOptions) => {
      exitCode = await farmTranslateCommand(inputs, options, { library, sessions });
    });
  farm
    .command('status')
    .description('the workers connected now, the queue and the running batches')
    .addOption(redisOption())
    .option('--json', 'print JSON')
    .action(async (options: FarmCliOptions & { json?: boolean }) => {
      exitCode = await farmStatusCommand(options);
    });
  farm
    .command('cancel')
    .description('stop a batch on every worker (its waiting items are removed)')
    .argument('<batch>', 'the batch id that farm translate and farm status print')
    .addOption(redisOption())
    .action(async (batch: string, options: FarmCliOptions) => {
      exitCode = await farmCancelCommand(batch, options);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (argv.includes('--json')) {
      // A script reading stdout still gets a last line that says what went wrong.
      const info = toErrorInfo(err);
      process.stdout.write(`${JSON.stringify({ type: 'error', code: info.code, message: info.message })}\n`);
    }
    if (err instanceof StudioError) {
      process.stderr.write(`gan-studio: ${err.message}\n`);
      return USAGE_CODES.has(err.code) ? 2 : 1;
    }
    // The message as display text; the stack's frames (our code's paths) as they are.
    const frames = err instanceof Error ? (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)) : [];
    process.stderr.write(`gan-studio: unexpected error: ${[toErrorInfo(err).message, ...frames].join('\n')}\n`);
    return 1;
  } finally {
    await sessions.dispose();
  }
  return exitCode;
}
