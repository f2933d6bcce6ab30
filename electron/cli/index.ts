import { main } from './main.js';

// The process exits with the command's code once stdout and stderr have drained.
process.exitCode = await main(process.argv.slice(2));
