// The map of lib/: its layers from the outside in. A file may import from its own layer and from the
// layers below it, never from one above; rooms marked `apart` (the members of one layer) do not
// import each other either. `npm run check:layers` enforces it.
const LAYERS = [
  { name: 'module', rooms: { module: '^lib/(index|jwt-devices[.]module|jwt-devices[.]providers)[.]ts$' } },
  { name: 'http', rooms: { http: '^lib/http/' } },
  { name: 'auth', rooms: { auth: '^lib/auth/' } },
  { name: 'sessions', rooms: { sessions: '^lib/(sessions[.]service|access-token[.]authenticator)[.]ts$' } },
  {
    name: 'devices / tokens / users',
    apart: true,
    rooms: {
      devices: '^lib/(devices[.]service|device-id)[.]ts$',
      tokens: '^lib/tokens[.]service[.]ts$',
      users: '^lib/users[.]gateway[.]ts$',
    },
  },
  { name: 'handlers', rooms: { handlers: '^lib/handlers/' } },
  // Session events: emitted by sessions and devices, delivered to the app's listener.
  { name: 'events', rooms: { events: '^lib/events/' } },
  { name: 'store / crypto', apart: true, rooms: { store: '^lib/store/', crypto: '^lib/crypto/' } },
  {
    name: 'options / errors',
    rooms: {
      options: '^lib/options/',
      errors: '^lib/errors/',
      // Public and internal injection tokens, the clock, and reading/writing headers on Express or Fastify.
      foundation: '^lib/(jwt-devices[.]constants|jwt-devices[.]internal-constants|clock)[.]ts$|^lib/platform/',
      // Device revocations carried between instances (Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or the app's own bus).
      invalidation: '^lib/invalidation/',
    },
  },
  { name: 'entities', rooms: { entities: '^lib/([a-z-]+[.]entity|jwt-devices[.]entities|jwt-devices-user)[.]ts$|^lib/migrations/' } },
];

// The browser and React Native client (`nestjs-jwt-devices/client`): a package of its own in all but name.
const CLIENT = '^lib/client/';

const pathsOf = (layers) => layers.flatMap((layer) => Object.values(layer.rooms));

const outward = LAYERS.slice(1).map((layer, index) => ({
  name: `${layer.name.replace(/ \/ /g, '-')}-imports-no-outer-layer`,
  comment: `${layer.name} is inside ${LAYERS.slice(0, index + 1).map(({ name }) => name).join(', ')}: it must not import from them`,
  severity: 'error',
  from: { path: pathsOf([layer]) },
  to: { path: pathsOf(LAYERS.slice(0, index + 1)) },
}));

const apart = LAYERS.filter((layer) => layer.apart).flatMap((layer) =>
  Object.entries(layer.rooms).map(([room, path]) => ({
    name: `${room}-imports-no-sibling`,
    comment: `${room} shares the ${layer.name} layer: it must not import ${Object.keys(layer.rooms).filter((other) => other !== room).join(' or ')}`,
    severity: 'error',
    from: { path },
    to: { path: Object.entries(layer.rooms).filter(([other]) => other !== room).map(([, otherPath]) => otherPath) },
  })),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...outward,
    ...apart,
    {
      name: 'client-imports-nothing-else',
      comment: 'lib/client/ runs in browsers and React Native: it imports nothing from the rest of lib/ (test/client/client-imports.spec.ts: nor any package or Node built-in)',
      severity: 'error',
      from: { path: CLIENT },
      to: { pathNot: CLIENT },
    },
    {
      name: 'nothing-imports-the-client',
      comment: 'lib/client/ is a separate entry point: the server side of lib/ does not import it',
      severity: 'error',
      from: { path: '^lib/', pathNot: CLIENT },
      to: { path: CLIENT },
    },
    {
      name: 'no-cycles',
      comment: 'lib/ has no import cycle, within a layer or across layers',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'every-file-in-a-layer',
      comment: 'a lib/ file that no layer names is missing from this map: add it to a layer',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^lib/', pathNot: [...pathsOf(LAYERS), CLIENT] },
    },
  ],
  options: {
    includeOnly: '^lib/',
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a type from an outer layer is a dependency on it all the same.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  },
};
