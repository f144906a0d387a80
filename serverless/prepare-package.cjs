'use strict';
// Local Serverless Framework plugin: before packaging, invoking locally or starting
// serverless-offline, bundle the handler and compute what the package ships (see
// scripts/prepare-package.ts). It runs the TypeScript script with tsx, a devDependency.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

class PreparePackage {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    const prepare = () => this.prepare();
    this.hooks = {
      'before:package:createDeploymentArtifacts': prepare,
      'before:deploy:function:packageFunction': prepare,
      'before:invoke:local:invoke': prepare,
      'before:offline:start': prepare,
      'before:offline:start:init': prepare,
    };
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
