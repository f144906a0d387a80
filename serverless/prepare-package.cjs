'use strict';
// Local Serverless Framework plugin: before packaging, invoking locally or starting
// serverless-offline, bundle the handler and compute what the package ships (see
// scripts/prepare-package.ts). It runs the TypeScript script with tsx, a devDependency.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

class PreparePackage {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    const prepare = () => this.prepare();
    this.hooks = {
      initialize: () => this.splitCorsOrigins(),
      'before:package:createDeploymentArtifacts': prepare,
      'before:deploy:function:packageFunction': prepare,
      'before:invoke:local:invoke': () => {
        this.reexecWithoutRequireEsm(); // returns only when no re-run is needed
        prepare();
      },
      'before:offline:start': prepare,
      'before:offline:start:init': prepare,
    };
  }

  /**
   * `invoke local` loads the handler with require() and falls back to import() only on
   * ERR_REQUIRE_ESM. Since Node 20.19, require() loads ES modules itself, and for one with
   * top-level await (ours: the model and index load during init) throws ERR_REQUIRE_ASYNC_MODULE
   * instead. So the command is run again with require(esm) off, and this process exits with it.
   */
  reexecWithoutRequireEsm() {
    if (!process.features || !process.features.require_module || process.env.SEMSEARCH_INVOKE_LOCAL_REEXEC) return;
    const result = spawnSync(process.execPath, ['--no-experimental-require-module', ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, SEMSEARCH_INVOKE_LOCAL_REEXEC: '1' },
    });
    process.exit(result.status === null ? 1 : result.status);
  }

  /**
   * `--param="corsOrigins=https://a.example,https://b.example"` is one string; API Gateway wants
   * a list. Variables are resolved by the time `initialize` runs, so split them here.
   */
  splitCorsOrigins() {
    const cors = this.serverless.service.provider.httpApi && this.serverless.service.provider.httpApi.cors;
    if (!cors || !Array.isArray(cors.allowedOrigins)) return;
    cors.allowedOrigins = cors.allowedOrigins.flatMap((o) => String(o).split(',').map((s) => s.trim()).filter(Boolean));
  }

  prepare() {
    if (this.done) return;
    const root = this.serverless.serviceDir;
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'prepare-package.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'package-plan.json'), 'utf8'));
    const pkg = (this.serverless.service.package ??= {});
    pkg.patterns = plan.patterns;
    pkg.excludeDevDependencies = false; // the plan already lists exactly the runtime packages
    if (this.log) this.log.notice(out.trim());
    this.done = true;
  }
}

module.exports = PreparePackage;
