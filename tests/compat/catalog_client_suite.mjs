#!/usr/bin/env node
/**
 * Drives a running Greenroom with the unmodified @backstage/catalog-client.
 *
 * Why: Backstage plugins and scripts talk to the catalog through this package, not
 * through raw HTTP. A hand-written HTTP test can agree with our own reading of the
 * API and still break every real client, so this suite calls the real thing and
 * asserts on what it hands back (names, counts, relations, shapes).
 *
 * It expects the catalog in tests/compat/catalog/ to be registered (all.yaml as the
 * root), and the `checkout` description in software.yaml to have been changed on
 * disk after the first read (so refreshEntity has something to pick up).
 *
 * Environment:
 *   GREENROOM_BASE_URL            e.g. http://127.0.0.1:8000 (the API is under /api/catalog)
 *   GREENROOM_TOKEN               a static token from backend.auth.externalAccess
 *   COMPAT_EXTRA_LOCATION         absolute path of extra.yaml, registered with addLocation
 *   COMPAT_REFRESHED_DESCRIPTION  checkout's description once its file is read again
 *   COMPAT_REFRESH_TIMEOUT_MS     how long to wait for the refresh (default 60000)
 *
 * Prints a JSON report on stdout. Exit status: 0 all checks passed, 1 some failed
 * (each failure names the check, the client call and the last HTTP exchange), 2 the
 * environment is incomplete.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { CatalogClient, CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';

const require = createRequire(import.meta.url);
const CLIENT_VERSION = require('@backstage/catalog-client/package.json').version;

const COMPONENTS = ['cart', 'checkout', 'ledger', 'storefront'];
const SOFTWARE_KINDS = ['component', 'api', 'system', 'resource'];
const SOFTWARE = [...COMPONENTS, 'checkout-api', 'orders-db', 'shop'].sort();
const KIND_COUNTS = {
  API: 1, Component: 4, Group: 2, Location: 2, Resource: 1, System: 1, User: 2,
};
const TOTAL = Object.values(KIND_COUNTS).reduce((a, b) => a + b, 0);
const MISSING_REF = 'component:default/no-such-thing';
const VALIDATE_LOCATION = 'url:https://example.com/catalog-info.yaml';

// ---------------------------------------------------------------- plumbing

/** Reads the settings, or stops with status 2 naming what is missing. */
function settings() {
  const names = [
    'GREENROOM_BASE_URL',
    'GREENROOM_TOKEN',
    'COMPAT_EXTRA_LOCATION',
    'COMPAT_REFRESHED_DESCRIPTION',
  ];
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length) {
    process.stderr.write(`catalog-client suite: set ${missing.join(', ')} (see the header)\n`);
    process.exit(2);
  }
  return {
    baseUrl: process.env.GREENROOM_BASE_URL.replace(/\/+$/, ''),
    token: process.env.GREENROOM_TOKEN,
    extraLocation: process.env.COMPAT_EXTRA_LOCATION,
    refreshedDescription: process.env.COMPAT_REFRESHED_DESCRIPTION,
    refreshTimeoutMs: Number(process.env.COMPAT_REFRESH_TIMEOUT_MS || 60000),
  };
}

function truncate(text, max = 2000) {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

/**
 * A fetchApi that adds the bearer token (as Backstage's own fetchApi does) and keeps
 * every exchange, so a failure can show the request and response behind it and the
 * report can list which endpoints each client call used.
 */
function recordingFetchApi(token, log) {
  return {
    async fetch(input, init = {}) {
      const headers = new Headers(init.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      const response = await fetch(input, { ...init, headers });
      const url = new URL(typeof input === 'string' ? input : input.url);
      const entry = {
        method: (init.method || 'GET').toUpperCase(),
        path: url.pathname + url.search,
        status: response.status,
      };
      if (init.body) entry.requestBody = truncate(String(init.body));
      if (response.headers.get('link')) entry.link = response.headers.get('link');
      if (!response.ok) entry.responseBody = truncate(await response.clone().text());
      log.push(entry);
      return response;
    },
  };
}

function makeClient(baseUrl, token, log) {
  return new CatalogClient({
    discoveryApi: { getBaseUrl: async () => `${baseUrl}/api/catalog` },
    fetchApi: recordingFetchApi(token, log),
  });
}

/** `GET /entities/by-uid/123?x` -> `GET /entities/by-uid/{uid}`, to count endpoint use. */
function endpointOf({ method, path }) {
  const route = path
    .split('?')[0]
    .replace(/^.*\/api\/catalog/, '')
    .replace(/\/entities\/by-uid\/[^/]+/, '/entities/by-uid/{uid}')
    .replace(/\/by-name\/[^/]+\/[^/]+\/[^/]+/, '/by-name/{kind}/{namespace}/{name}')
    .replace(/\/by-entity\/[^/]+\/[^/]+\/[^/]+/, '/by-entity/{kind}/{namespace}/{name}')
    .replace(/\/locations\/(?!by-)[^/]+$/, '/locations/{id}');
  return `${method} ${route}`;
}

// ---------------------------------------------------------------- helpers

const names = (items) => items.map((e) => e.metadata.name);
const sortedNames = (items) => names(items).sort();
const refOf = (e) =>
  `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();
const relationSet = (e) => (e.relations ?? []).map((r) => `${r.type} ${r.targetRef}`).sort();
const facetMap = (buckets) => Object.fromEntries(buckets.map((b) => [b.value, b.count]));
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** The `after` cursor of the `rel="next"` link of the last GET /entities, if any. */
function nextAfter(log) {
  const last = [...log].reverse().find((e) => e.method === 'GET' && /\/entities\?/.test(e.path));
  const match = last?.link?.match(/<([^>]*)>;\s*rel="?next"?/);
  if (!match) return undefined;
  return new URL(match[1], 'http://link.invalid').searchParams.get('after') ?? undefined;
}

/** Awaits a call that must fail, and checks the HTTP status the client reports. */
async function rejectsWith(status, call) {
  let error;
  try {
    await call();
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `expected the call to fail with HTTP ${status}, but it succeeded`);
  assert.equal(error.statusCode, status, `expected HTTP ${status}, got: ${error.message}`);
  return error;
}

// ---------------------------------------------------------------- checks

const checks = [];
const check = (name, run) => checks.push({ name, run });

check('auth: no token and a wrong token are refused with 401', async ({ anonymous, wrong }) => {
  const error = await rejectsWith(401, () => anonymous.getEntities());
  assert.equal(error.body?.error?.name, 'AuthenticationError');
  await rejectsWith(401, () => wrong.getEntities());
});

check('getEntities: everything, with Backstage envelope shapes', async ({ client, state }) => {
  const { items } = await client.getEntities();
  assert.equal(items.length, TOTAL);
  const kinds = {};
  for (const entity of items) kinds[entity.kind] = (kinds[entity.kind] ?? 0) + 1;
  assert.deepEqual(kinds, KIND_COUNTS);
  for (const entity of items) {
    assert.match(entity.apiVersion, /^backstage\.io\/v1/);
    assert.equal(entity.metadata.namespace, 'default');
    assert.equal(typeof entity.metadata.uid, 'string');
    assert.equal(typeof entity.metadata.etag, 'string');
    assert.ok(Array.isArray(entity.relations), `${refOf(entity)} has no relations array`);
  }
  assert.equal(new Set(items.map((e) => e.metadata.uid)).size, TOTAL, 'uids are not unique');
  state.allUids = items.map((e) => e.metadata.uid).sort();
});

check('getEntities: OR of filter sets, AND inside a set, and fields', async ({ client }) => {
  const { items } = await client.getEntities({
    filter: [{ kind: 'component', 'spec.type': 'service' }, { kind: 'api' }],
    fields: ['kind', 'metadata.name'],
  });
  assert.deepEqual(sortedNames(items), ['cart', 'checkout', 'checkout-api']);
  for (const entity of items) {
    assert.deepEqual(Object.keys(entity).sort(), ['kind', 'metadata']);
    assert.deepEqual(Object.keys(entity.metadata), ['name']);
  }
});

check('getEntities: several values for a key, exists, relations, any case', async ({ client }) => {
  const people = await client.getEntities({ filter: { kind: ['group', 'user'] } });
  assert.deepEqual(sortedNames(people.items), ['alice', 'bob', 'team-a', 'team-b']);
  const inSystem = await client.getEntities({
    filter: { kind: 'component', 'spec.system': CATALOG_FILTER_EXISTS },
  });
  assert.deepEqual(sortedNames(inSystem.items), ['cart', 'checkout']);
  const owned = await client.getEntities({
    filter: { 'relations.ownedBy': 'group:default/team-a' },
  });
  assert.deepEqual(sortedNames(owned.items), ['cart', 'checkout', 'checkout-api', 'shop']);
  const tagged = await client.getEntities({
    filter: { kind: 'Component', 'metadata.tags': 'PAYMENTS' },
  });
  assert.deepEqual(sortedNames(tagged.items), ['checkout', 'ledger']);
});

check('getEntities: order by one and by two fields', async ({ client }) => {
  const desc = await client.getEntities({
    filter: { kind: 'component' },
    order: { field: 'metadata.name', order: 'desc' },
    fields: ['metadata.name'],
  });
  assert.deepEqual(names(desc.items), [...COMPONENTS].reverse());
  const twoKeys = await client.getEntities({
    filter: { kind: 'component' },
    order: [
      { field: 'spec.lifecycle', order: 'asc' },
      { field: 'metadata.name', order: 'asc' },
    ],
    fields: ['metadata.name'],
  });
  assert.deepEqual(names(twoKeys.items), ['ledger', 'cart', 'checkout', 'storefront']);
});

check('getEntities: limit/offset pages walk the set by ref', async ({ client }) => {
  const filter = { kind: SOFTWARE_KINDS };
  const fields = ['kind', 'metadata.name'];
  const pages = [];
  for (let offset = 0; offset <= SOFTWARE.length; offset += 3) {
    pages.push((await client.getEntities({ filter, fields, limit: 3, offset })).items);
  }
  assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
  const refs = pages.flat().map(refOf);
  assert.deepEqual(refs, [...refs].sort(), 'pages are not in entity-ref order');
  assert.deepEqual(sortedNames(pages.flat()), SOFTWARE);
  const beyond = await client.getEntities({ filter, fields, limit: 3, offset: 30 });
  assert.deepEqual(beyond.items, []);
});

check('getEntities: after cursors from the Link header, to the end', async ({ client, log }) => {
  const filter = { kind: SOFTWARE_KINDS };
  const fields = ['kind', 'metadata.name'];
  const pages = [(await client.getEntities({ filter, fields, limit: 3 })).items];
  let after = nextAfter(log);
  assert.ok(after, 'the first page of 3 has no rel="next" Link header with an after cursor');
  while (after && pages.length < 10) {
    pages.push((await client.getEntities({ filter, fields, after })).items);
    after = nextAfter(log);
  }
  assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
  assert.deepEqual(sortedNames(pages.flat()), SOFTWARE);
});

/** Follows nextCursor from `first` to the end; returns every page. */
async function forwardPages(client, first, limit) {
  const pages = [first];
  while (pages.at(-1).pageInfo.nextCursor && pages.length < 50) {
    const cursor = pages.at(-1).pageInfo.nextCursor;
    pages.push(await client.queryEntities({ cursor, limit }));
  }
  return pages;
}

check('queryEntities: cursor forward to the end and back with prevCursor', async ({ client }) => {
  const request = {
    filter: { kind: SOFTWARE_KINDS },
    fields: ['kind', 'metadata.name'],
    orderFields: { field: 'metadata.name', order: 'asc' },
    limit: 2,
  };
  const first = await client.queryEntities(request);
  assert.equal(first.totalItems, SOFTWARE.length);
  assert.equal(first.pageInfo.prevCursor, undefined, 'the first page has a prevCursor');
  const pages = await forwardPages(client, first, 2);
  assert.deepEqual(pages.map((p) => p.items.length), [2, 2, 2, 1]);
  assert.deepEqual(names(pages.flatMap((p) => p.items)), SOFTWARE, 'not in name order');
  const back = [pages.at(-1)];
  while (back.at(-1).pageInfo.prevCursor && back.length < 50) {
    back.push(await client.queryEntities({ cursor: back.at(-1).pageInfo.prevCursor, limit: 2 }));
  }
  assert.deepEqual(
    back.map((p) => names(p.items)),
    pages.map((p) => names(p.items)).reverse(),
    'walking back with prevCursor does not give the forward pages in reverse',
  );
});

check('queryEntities: the whole catalog by cursor, each entity once', async ({ client, state }) => {
  const first = await client.queryEntities({ limit: 5 });
  assert.equal(first.totalItems, TOTAL);
  const pages = await forwardPages(client, first, 5);
  const uids = pages.flatMap((p) => p.items.map((e) => e.metadata.uid));
  assert.deepEqual(pages.map((p) => p.items.length), [5, 5, 3]);
  assert.equal(new Set(uids).size, uids.length, 'an entity was returned twice');
  assert.deepEqual([...uids].sort(), state.allUids ?? [...uids].sort());
});

check('queryEntities: full-text filter on a field', async ({ client }) => {
  const found = await client.queryEntities({
    fullTextFilter: { term: ' CHECK ', fields: ['metadata.name'] },
    fields: ['metadata.name'],
  });
  assert.equal(found.totalItems, 2);
  assert.deepEqual(sortedNames(found.items), ['checkout', 'checkout-api']);
});

check('getEntityByRef: a component with its relations', async ({ client }) => {
  const entity = await client.getEntityByRef('component:checkout');
  assert.ok(entity, 'component:checkout not found');
  assert.equal(entity.apiVersion, 'backstage.io/v1alpha1');
  assert.equal(entity.kind, 'Component');
  assert.equal(entity.metadata.description, 'Takes the money');
  assert.deepEqual(entity.metadata.tags, ['python', 'payments']);
  assert.equal(entity.spec.owner, 'team-a');
  const annotations = entity.metadata.annotations;
  assert.match(annotations['backstage.io/managed-by-location'], /^file:.*software\.yaml$/);
  assert.match(annotations['backstage.io/managed-by-origin-location'], /^file:.*all\.yaml$/);
  assert.deepEqual(relationSet(entity), [
    'dependsOn resource:default/orders-db',
    'ownedBy group:default/team-a',
    'partOf system:default/shop',
    'providesApi api:default/checkout-api',
  ]);
});

check('getEntityByRef: relations seen from the other side, any case', async ({ client }) => {
  const team = await client.getEntityByRef('Group:Default/Team-A');
  assert.equal(team?.metadata.name, 'team-a');
  assert.deepEqual(relationSet(team), [
    'hasMember user:default/alice',
    'ownerOf api:default/checkout-api',
    'ownerOf component:default/cart',
    'ownerOf component:default/checkout',
    'ownerOf system:default/shop',
  ]);
  const api = await client.getEntityByRef({ kind: 'API', name: 'checkout-api' });
  assert.deepEqual(relationSet(api), [
    'apiConsumedBy component:default/cart',
    'apiConsumedBy component:default/storefront',
    'apiProvidedBy component:default/checkout',
    'ownedBy group:default/team-a',
    'partOf system:default/shop',
  ]);
  assert.equal(await client.getEntityByRef(MISSING_REF), undefined);
});

check('getEntitiesByRefs: same order and length, unknown refs empty', async ({ client }) => {
  const entityRefs = [
    'component:default/checkout',
    MISSING_REF,
    'api:default/checkout-api',
    'group:default/team-a',
  ];
  const all = await client.getEntitiesByRefs({ entityRefs, fields: ['kind', 'metadata.name'] });
  assert.deepEqual(all.items, [
    { kind: 'Component', metadata: { name: 'checkout' } },
    undefined,
    { kind: 'API', metadata: { name: 'checkout-api' } },
    { kind: 'Group', metadata: { name: 'team-a' } },
  ]);
  const filtered = await client.getEntitiesByRefs({
    entityRefs,
    fields: ['metadata.name'],
    filter: { kind: 'component' },
  });
  assert.deepEqual(filtered.items, [
    { metadata: { name: 'checkout' } }, undefined, undefined, undefined,
  ]);
});

check('getEntityFacets: counts per value, with and without a filter', async ({ client }) => {
  const everything = await client.getEntityFacets({ facets: ['kind'] });
  assert.deepEqual(Object.keys(everything.facets), ['kind']);
  assert.deepEqual(facetMap(everything.facets.kind), KIND_COUNTS);
  const components = await client.getEntityFacets({
    facets: ['spec.lifecycle', 'metadata.tags'],
    filter: { kind: 'component' },
  });
  assert.deepEqual(Object.keys(components.facets).sort(), ['metadata.tags', 'spec.lifecycle']);
  assert.deepEqual(facetMap(components.facets['spec.lifecycle']), {
    deprecated: 1,
    experimental: 1,
    production: 2,
  });
  assert.deepEqual(facetMap(components.facets['metadata.tags']), {
    payments: 2,
    python: 3,
    typescript: 1,
  });
});

check('getEntityAncestors: the component up to its registered root', async ({ client }) => {
  const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/checkout' });
  assert.equal(ancestry.items[0].entity.metadata.name, 'checkout');
  const refs = ancestry.items.map((item) => refOf(item.entity));
  assert.ok(refs.includes('location:default/compat-root'), `no compat-root in ${refs}`);
  assert.equal(ancestry.rootEntityRef, 'component:default/checkout');
  assert.match(refs[refs.length - 1], /^location:default\/generated-/);
  assert.deepEqual(ancestry.items[0].parentEntityRefs, ['location:default/compat-root']);
});

check('validateEntity: a valid and an invalid entity', async ({ client }) => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'fresh-service' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
  assert.deepEqual(await client.validateEntity(entity, VALIDATE_LOCATION), { valid: true });
  const invalid = { ...entity, metadata: { name: 'Not a valid name!' } };
  const result = await client.validateEntity(invalid, VALIDATE_LOCATION);
  assert.equal(result.valid, false);
  assert.ok(result.errors.length >= 1, 'an invalid entity came back without errors');
  for (const error of result.errors) {
    assert.equal(typeof error.name, 'string');
    assert.equal(typeof error.message, 'string');
  }
});

check('addLocation: dry run shows the entities and stores nothing', async ({ client, config }) => {
  const target = config.extraLocation;
  const result = await client.addLocation({ type: 'file', target, dryRun: true });
  assert.equal(result.exists, false);
  assert.equal(result.location.type, 'file');
  assert.equal(result.location.target, target);
  assert.ok(result.entities.map(refOf).includes('component:default/reports'),
    `dry run entities: ${result.entities.map(refOf)}`);
  assert.equal(await client.getEntityByRef('component:default/reports'), undefined);
});

check('addLocation: for real, then find it by id and by entity', async (context) => {
  const { client, config, state } = context;
  const target = config.extraLocation;
  const { location } = await client.addLocation({ type: 'file', target });
  assert.equal(typeof location.id, 'string');
  assert.equal(location.type, 'file');
  assert.equal(location.target, target);
  state.locationId = location.id;
  const reports = await client.getEntityByRef('component:default/reports');
  assert.ok(reports, 'the registered location did not provide component:default/reports');
  assert.deepEqual(relationSet(reports), ['ownedBy group:default/team-b']);
  state.reportsUid = reports.metadata.uid;
  const byId = await client.getLocationById(location.id);
  assert.deepEqual({ id: byId?.id, type: byId?.type, target: byId?.target },
    { id: location.id, type: 'file', target });
  assert.equal((await client.getLocationByEntity('component:default/reports'))?.id, location.id);
  const { items } = await client.getLocations();
  assert.ok(items.some((l) => l.id === location.id), 'getLocations does not list it');
  await rejectsWith(409, () => client.addLocation({ type: 'file', target }));
  const again = await client.addLocation({ type: 'file', target, dryRun: true });
  assert.equal(again.exists, true);
});

check('removeEntityByUid: the entity is gone; unknown uids are fine', async ({ client, state }) => {
  assert.ok(state.reportsUid, 'needs the addLocation check');
  await client.removeEntityByUid(state.reportsUid);
  assert.equal(await client.getEntityByRef('component:default/reports'), undefined);
  await client.removeEntityByUid('00000000-0000-4000-8000-000000000000');
});

check('removeLocationById: location and its entities are gone', async ({ client, state }) => {
  assert.ok(state.locationId, 'needs the addLocation check');
  await client.removeLocationById(state.locationId);
  assert.equal(await client.getLocationById(state.locationId), undefined);
  const { items } = await client.getLocations();
  assert.ok(!items.some((l) => l.id === state.locationId), 'getLocations still lists it');
  assert.equal((await client.getEntities({ fields: ['metadata.uid'] })).items.length, TOTAL);
  await rejectsWith(404, () => client.removeLocationById(state.locationId));
});

check('refreshEntity: queues a re-read that picks up the file change', async (context) => {
  const { client, config } = context;
  await client.refreshEntity('component:default/checkout');
  const deadline = Date.now() + config.refreshTimeoutMs;
  let description;
  while (Date.now() < deadline) {
    description = (await client.getEntityByRef('component:default/checkout'))?.metadata.description;
    if (description === config.refreshedDescription) break;
    await sleep(250);
  }
  assert.equal(description, config.refreshedDescription, 'the refresh was not applied in time');
  await rejectsWith(404, () => client.refreshEntity(MISSING_REF));
});

// These go to the POST forms (predicate queries); the checks above use GET forms.
check('predicate: queryEntities with a query (POST /entities/by-query)', async ({ client }) => {
  const request = {
    query: { kind: 'component', 'spec.lifecycle': { $in: ['production', 'deprecated'] } },
    fields: ['metadata.name'],
    orderFields: { field: 'metadata.name', order: 'asc' },
    limit: 2,
  };
  const first = await client.queryEntities(request);
  assert.equal(first.totalItems, 3);
  const pages = await forwardPages(client, first, 2);
  assert.deepEqual(names(pages.flatMap((p) => p.items)), ['checkout', 'ledger', 'storefront']);
});

check('predicate: getEntityFacets with a query (POST /entity-facets)', async ({ client }) => {
  const result = await client.getEntityFacets({
    facets: ['spec.type'],
    query: { kind: 'component' },
  });
  assert.deepEqual(facetMap(result.facets['spec.type']), { library: 1, service: 2, website: 1 });
});

check('predicate: getEntitiesByRefs with a query', async ({ client }) => {
  const result = await client.getEntitiesByRefs({
    entityRefs: ['component:default/cart', 'api:default/checkout-api'],
    fields: ['metadata.name'],
    query: { kind: 'api' },
  });
  assert.deepEqual(result.items, [undefined, { metadata: { name: 'checkout-api' } }]);
});

// ---------------------------------------------------------------- runner

/**
 * One line for a failure: assertion diffs as they are; a client error by its name and
 * message (the exchange is reported next to it); anything else with its stack, since
 * that is a bug in the suite or a shape the client could not handle.
 */
function describeError(error) {
  if (error instanceof assert.AssertionError) return error.message;
  if (error?.name === 'ResponseError') return `${error.name}: ${error.message}`;
  return String(error?.stack ?? error);
}

/** Runs one check; returns its report entry with the HTTP exchanges it made. */
async function runCheck({ name, run }, context) {
  const start = context.log.length;
  const began = performance.now();
  const entry = { name, ok: true };
  try {
    await run(context);
  } catch (error) {
    entry.ok = false;
    entry.error = describeError(error);
    entry.lastExchange = context.log.at(-1);
  }
  entry.ms = Math.round(performance.now() - began);
  entry.calls = context.log.slice(start).map((e) => `${e.method} ${e.path} -> ${e.status}`);
  return entry;
}

async function main() {
  const config = settings();
  const log = [];
  const context = {
    config,
    log,
    state: {},
    client: makeClient(config.baseUrl, config.token, log),
    anonymous: makeClient(config.baseUrl, '', log),
    wrong: makeClient(config.baseUrl, 'not-the-right-token-at-all', log),
  };
  const results = [];
  for (const item of checks) results.push(await runCheck(item, context));
  const endpoints = {};
  for (const exchange of log) {
    const endpoint = endpointOf(exchange);
    endpoints[endpoint] = (endpoints[endpoint] ?? 0) + 1;
  }
  const failed = results.filter((r) => !r.ok);
  const report = {
    client: { package: '@backstage/catalog-client', version: CLIENT_VERSION },
    node: process.version,
    baseUrl: config.baseUrl,
    passed: results.length - failed.length,
    failed: failed.length,
    endpoints,
    checks: results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const result of failed) {
    process.stderr.write(`FAILED ${result.name}\n  ${result.error.split('\n').join('\n  ')}\n`);
    process.stderr.write(`  last exchange: ${JSON.stringify(result.lastExchange)}\n`);
  }
  process.exitCode = failed.length ? 1 : 0;
}

await main();
