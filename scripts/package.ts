/**
 * npm run package -- [--index <dir>] [--collections <dir>] [serverless options...]
 * `serverless package` for the index you name (default: index/), paths taken from where you typed
 * the command. Everything else on the line (--stage, --region, --param=...) goes to serverless.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Command } from 'commander';
import { PROJECT_ROOT, resolveFromCwd } from '../src/paths.js';

const program = new Command('package')
  .description('Package the Lambda function with the index you name')
  .option('--index <dir>', 'index to serve as the default collection (default: index)')
  .option('--collections <dir>', 'directory of named indexes (one subdirectory each) to ship too (default: collections)')
  .allowUnknownOption()
  .allowExcessArguments()
  .parse();
const opts = program.opts<{ index?: string; collections?: string }>();
const params = Object.entries(opts).map(([name, dir]) => `--param=${name}=${resolveFromCwd(dir as string)}`);

const serverless = path.join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const result = spawnSync(process.execPath, [serverless, 'package', ...params, ...program.args], { cwd: PROJECT_ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
