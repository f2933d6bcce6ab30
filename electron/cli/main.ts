import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { QUALITY } from '../contract/settings.js';
import { TRAIN_ARCHS, TRAIN_MODES, TRAIN_NORMS } from '../contract/training.js';
import { StudioError } from '../engine/errors.js';
import { parseSweep, type SweepSpec } from '../engine/jobs/index.js';
import { DEFAULT_MODEL, ModelLibrary } from '../engine/library/index.js';
import { architectureNames } from '../engine/nets/index.js';
import { DEVICE_CHOICES, SessionManager } from '../engine/runtime/index.js';
import { collectSetting, parseFormat, parseIntIn, parseList, parseNumber } from './args.js';
import { catalogCommand, downloadCommand } from './catalog-command.js';
import { importCommand, type ImportCliOptions } from './import-command.js';
import { modelsCommand } from './models-command.js';
import { serveCommand, type ServeCliOptions } from './serve-command.js';
import { trainCommand, type TrainCliOptions } from './train-command.js';
import { translateCommand, type TranslateCliOptions } from './translate-command.js';

function parseSweepOption(value: string): SweepSpec {
  try {
    return parseSweep(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

/** Errors that come from how the command was called rather than from the files: exit 2. */
const USAGE_CODES = new Set(['BAD_ARGUMENT', 'MODEL_NOT_FOUND']);

export async function main(argv: string[]): Promise<number> {
  const library = new ModelLibrary();
  const sessions = new SessionManager();
  let exitCode = 0;
  const program = new Command()
    .name('gan-studio')
    .description('Translate images with pix2pix, StarGAN-style and CycleGAN generators, offline.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run gan-studio --help for usage)');

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
    .action(async (file: string, options: ImportCliOptions) => {
      exitCode = await importCommand(file, options, library);
    });

  program
    .command('catalog')
    .description('list the official pretrained models that can be downloaded')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      exitCode = await catalogCommand(library, options);
    });

  program
    .command('download')
    .description('download an official model from the catalog, convert it and install it; prints the new id')
    .argument('<name>', 'catalog name, e.g. cyclegan-horse2zebra or horse2zebra')
    .action(async (name: string) => {
      exitCode = await downloadCommand(name, library);
    });

  program
    .command('serve')
    .description('run the studio in a browser: serves it on 127.0.0.1 and prints the URL (with its access token)')
    .option('-p, --port <port>', 'port to listen on (default: any free port)', parseIntIn(1, 65535))
    .option('--open', 'open the URL in the default browser')
    .action(async (options: ServeCliOptions) => {
      exitCode = await serveCommand(options);
    });

  program
    .command('train')
    .description('fine-tune or train a model on your own folders; prints the new model id(s) last')
    .addOption(new Option('--mode <mode>', 'what to train').choices(TRAIN_MODES))
    .option('--a <dir>', 'folder A: domain A (cyclegan), inputs or side-by-side AB images (pix2pix), photos (with --edges)')
    .option('--b <dir>', 'folder B: domain B (cyclegan), or targets matched to A by file name (pix2pix, conditional: with attributes.csv)')
    .option('--from <model>', 'library model to start the generator (cyclegan: A to B) from')
    .option('--from-b <model>', 'cyclegan: library model to start the B to A generator from')
    .addOption(new Option('--arch <arch>', 'generator architecture when training from scratch').choices(TRAIN_ARCHS))
    // Numbers are only parsed here: their limits are checked with the whole run's settings.
    .option('--ngf <n>', 'generator width (default 64)', parseNumber)
    .option('--ndf <n>', 'discriminator width (default 64)', parseNumber)
    .option('--d-layers <n>', 'PatchGAN layers (default 3: 70 x 70 patches)', parseNumber)
    .addOption(new Option('--norm <norm>', 'normalisation (default: instance; batch for pix2pix)').choices(TRAIN_NORMS))
    .option('--edges', 'pix2pix: --a holds photos; the inputs are edge maps derived from them')
    .option('--iterations <n>', 'training iterations (default 2000)', parseNumber)
    .option('--size <pixels>', 'crop size the networks train at (default 256)', parseNumber)
    .option('--load-size <pixels>', 'images are resized to this before the random crop (default size x 286/256)', parseNumber)
    .option('--batch <n>', 'batch size (default 1)', parseNumber)
    .option('--no-flip', 'no random horizontal flips')
    .option('--lr <rate>', 'Adam learning rate (default 0.0002)', parseNumber)
    .option('--seed <n>', 'random seed (default 1)', parseNumber)
    .option('--sample-every <n>', 'write a sample grid every n iterations (default 100)', parseNumber)
    .option('--checkpoint-every <n>', 'checkpoint every n iterations (default 200)', parseNumber)
    .addOption(new Option('-d, --device <device>', 'where to train').choices(DEVICE_CHOICES).default('auto'))
    .option('--threads <n>', 'CPU threads (default: all cores)', parseIntIn(1, 1024))
    .option('--name <name>', 'name of the exported model(s)')
    .option('--run <dir>', 'run folder (default: <studio home>/runs/<name>-<time>)')
    .option('--resume <dir>', 'continue a paused or interrupted run from its last checkpoint')
    .option('--no-export', 'do not add the trained generator(s) to the library')
    .action(async (options: TrainCliOptions) => {
      exitCode = await trainCommand(options, library);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof StudioError) {
      process.stderr.write(`gan-studio: ${err.message}\n`);
      return USAGE_CODES.has(err.code) ? 2 : 1;
    }
    process.stderr.write(`gan-studio: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    await sessions.dispose();
  }
  return exitCode;
}
