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
      initialize: () => {
        this.splitCorsOrigins();
        this.grantIndexUri();
      },
      'before:package:createDeploymentArtifacts': prepare,
      'before:deploy:function:packageFunction': prepare,
      'before:invoke:local:invoke': () => {
        prepare();
        this.invokeThroughImport();
      },
      'before:offline:start': prepare,
      'before:offline:start:init': prepare,
    };
  }

  /**
   * `invoke local` loads the handler with require(), falling back to import() only on
   * ERR_REQUIRE_ESM. Since Node 20.19 require() loads ES modules itself, but not one with top-level
   * await (ours: the model and index load during init): ERR_REQUIRE_ASYNC_MODULE. So the local
   * invoke goes through a one-line module without top-level await that imports ours.
   */
  invokeThroughImport() {
    const fn = this.serverless.service.functions.search;
    const cut = fn.handler.lastIndexOf('.');
    const [file, name] = [fn.handler.slice(0, cut), fn.handler.slice(cut + 1)];
    const shim = `${path.dirname(file)}/invoke-local`;
    fs.writeFileSync(
      path.join(this.serverless.serviceDir, `${shim}.js`),
      `export const ${name} = async (event, context) => (await import('./${path.basename(file)}.js')).${name}(event, context);\n`,
    );
    fn.handler = `${shim}.${name}`;
  }

  /**
   * `--param="corsOrigins=https://a.example,https://b.example"` is one string; API Gateway wants
   * a list. Variables are resolved by the time `initialize` runs, so split them here.
   */
  splitCorsOrigins() {
    const cors = this.serverless.service.provider.httpApi?.cors;
    if (!cors || !Array.isArray(cors.allowedOrigins)) return;
    cors.allowedOrigins = cors.allowedOrigins.flatMap((o) =>
      String(o)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }

  /**
   * With `--param="indexUri=s3://bucket/prefix"`, the function gets INDEX_URI and permission to
   * read that prefix only (GetObject also answers HEAD and conditional GETs). With a
   * `postgres://` indexUri, it gets INDEX_URI (never with a password in it: that goes in an SSM
   * SecureString named by indexDbPasswordSsmParameter, which the function may read), the
   * statement timeout, and the VPC subnets and security groups that reach the database.
   */
  grantIndexUri() {
    const settings = this.serverless.service.custom.semsearch || {};
    const uri = String(settings.indexUri || '');
    if (settings.indexUriSsmParameter) return this.connectDatabase(undefined, settings);
    if (!uri) return;
    const provider = this.serverless.service.provider;
    if (/^postgres(ql)?:\/\//.test(uri)) return this.connectDatabase(uri, settings);
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
    if (!m)
      throw new this.serverless.classes.Error(
        `indexUri "${uri}" is neither an S3 location (s3://bucket/prefix) nor a PostgreSQL URI (postgres://user@host:5432/database)`,
      );
    const prefix = (m[2] || '').replace(/^\/+|\/+$/g, '');
    provider.environment = { ...provider.environment, INDEX_URI: uri };
    provider.iam.role.statements.push({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: `arn:aws:s3:::${m[1]}/${prefix ? `${prefix}/` : ''}*`,
    });
  }

  /** `uri` without a password, or undefined when the whole URI is in the SSM parameter indexUriSsmParameter. */
  connectDatabase(uri, settings) {
    const provider = this.serverless.service.provider;
    if (uri !== undefined) {
      let url;
      try {
        url = new URL(uri);
      } catch {
        throw new this.serverless.classes.Error('indexUri is not a valid PostgreSQL URI: write postgres://user@host:5432/database');
      }
      // Every spelling of a secret: user:password@, and ?password=, ?sslpassword=, ?sslkey= and the like
      // (the rule of isSecretParameter in src/index/postgres/location.ts, which this CommonJS plugin cannot import).
      const secretParameters = [...url.searchParams.keys()].filter((k) =>
        /^(ssl)?password$|^sslkey$|pass(word)?|secret|token|credential/i.test(k),
      );
      if (url.password || secretParameters.length > 0) {
        throw new this.serverless.classes.Error(
          'indexUri holds a password, which would be readable in the function configuration: put it in an SSM SecureString and pass --param="indexDbPasswordSsmParameter=<name>" (or the whole URI, with --param="indexUriSsmParameter=<name>")',
        );
      }
    }
    const uriParameter = String(settings.indexUriSsmParameter || '');
    const passwordParameter = String(settings.indexDbPasswordSsmParameter || '');
    provider.environment = {
      ...provider.environment,
      ...(uri !== undefined ? { INDEX_URI: uri } : { INDEX_URI_SSM_PARAMETER: uriParameter }),
      INDEX_DB_TIMEOUT_MS: String(settings.indexDbTimeoutMs || 5000),
      ...(passwordParameter ? { INDEX_DB_PASSWORD_SSM_PARAMETER: passwordParameter } : {}),
    };
    for (const name of [uriParameter, passwordParameter].filter(Boolean)) {
      provider.iam.role.statements.push({
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: {
          'Fn::Join': [
            '',
            ['arn:aws:ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:parameter/${name.replace(/^\//, '')}`],
          ],
        },
      });
    }
    const list = (value) =>
      String(value || '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    const subnetIds = list(settings.vpcSubnetIds);
    const securityGroupIds = list(settings.vpcSecurityGroupIds);
    if (subnetIds.length > 0 && securityGroupIds.length > 0) provider.vpc = { subnetIds, securityGroupIds };
  }

  prepare() {
    if (this.done) return;
    const root = this.serverless.serviceDir;
    const { index, collections } = this.serverless.service.custom.semsearch;
    let out;
    try {
      out = execFileSync(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'scripts', 'prepare-package.ts'), '--index', index, '--collections', collections],
        {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
          encoding: 'utf8',
        },
      );
    } catch (err) {
      // The script's own message (what is wrong and what to run), not a stack of this plugin.
      throw new this.serverless.classes.Error(String(err.stderr || err.message).trim());
    }
    const plan = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'package-plan.json'), 'utf8'));
    if (!this.serverless.service.package) this.serverless.service.package = {};
    const pkg = this.serverless.service.package;
    pkg.patterns = plan.patterns;
    pkg.excludeDevDependencies = false; // the plan already lists exactly the runtime packages
    if (this.log) this.log.notice(out.trim());
    this.done = true;
  }
}

module.exports = PreparePackage;
