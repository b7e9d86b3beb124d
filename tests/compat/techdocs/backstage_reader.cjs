// Reads published TechDocs sites the way a Backstage backend does, with the
// @backstage/plugin-techdocs-node that @techdocs/cli itself depends on (the copy the
// lockfile pins): AwsS3Publish.hasDocsBeenGenerated (a HEAD of index.html),
// fetchTechDocsMetadata (techdocs_metadata.json, parsed with JSON5) and docsRouter (the
// handler behind /api/techdocs/static/docs/*), which streams every listed file.
//
// Environment: COMPAT_S3_ENDPOINT, COMPAT_S3_BUCKET, COMPAT_S3_ROOT (bucketRootPath),
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and COMPAT_ENTITIES: a JSON list of
// "namespace/Kind/name". Prints one JSON report on stdout:
//   {"<entity>": {"generated": bool, "metadata": {...} | null, "error": str | null,
//                 "files": {"<path>": {"status", "contentType", "bytes", "sha256"}}}}

'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const { createRequire } = require('node:module');

const cliRequire = createRequire(require.resolve('@techdocs/cli'));
const { Publisher } = cliRequire('@backstage/plugin-techdocs-node');
const { ConfigReader } = cliRequire('@backstage/config');

const quiet = () => {};
const logger = {
  debug: quiet, info: quiet, warn: quiet,
  error: (message) => process.stderr.write(`backstage: ${message}\n`),
  child() { return logger; },
};

function config() {
  return new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007', listen: { port: 7007 } },
    techdocs: {
      publisher: {
        type: 'awsS3',
        awsS3: {
          bucketName: process.env.COMPAT_S3_BUCKET,
          bucketRootPath: process.env.COMPAT_S3_ROOT,
          endpoint: process.env.COMPAT_S3_ENDPOINT,
          region: 'us-east-1',
          s3ForcePathStyle: true,
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID,
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
          },
        },
      },
    },
  });
}

// docsRouter is Express middleware; give it the two Express helpers it calls.
function serve(router) {
  const server = http.createServer((req, res) => {
    req.path = new URL(req.url, 'http://reader').pathname;
    res.status = (code) => { res.statusCode = code; return res; };
    res.send = (body) => res.end(body);
    router(req, res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function read(publisher, base, ref) {
  const [namespace, kind, name] = ref.split('/');
  const entity = { kind, metadata: { namespace, name } };
  const report = { generated: await publisher.hasDocsBeenGenerated(entity), metadata: null,
                   error: null, files: {} };
  try {
    report.metadata = await publisher.fetchTechDocsMetadata({ namespace, kind, name });
  } catch (error) {
    report.error = String(error);
    return report;
  }
  for (const file of report.metadata.files || []) {
    const path = [namespace, kind, name, ...file.split('/')].map(encodeURIComponent).join('/');
    const response = await fetch(`${base}/${path}`);
    const body = Buffer.from(await response.arrayBuffer());
    report.files[file] = {
      status: response.status, contentType: response.headers.get('content-type'),
      bytes: body.length, sha256: crypto.createHash('sha256').update(body).digest('hex'),
    };
  }
  return report;
}

async function main() {
  const publisher = await Publisher.fromConfig(config(), { logger, discovery: {} });
  const server = await serve(publisher.docsRouter());
  const base = `http://127.0.0.1:${server.address().port}`;
  const reports = {};
  try {
    for (const ref of JSON.parse(process.env.COMPAT_ENTITIES)) {
      reports[ref] = await read(publisher, base, ref);
    }
  } finally {
    server.close();
  }
  process.stdout.write(JSON.stringify(reports));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
