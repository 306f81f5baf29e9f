// The protocol between the client (VS Code extension) and the server, one file per area, declared
// once and imported by both sides (esbuild inlines it into each bundle). Command, view and setting ids
// are `<Area>Commands` / `<Area>Views` / `<Area>Settings` objects; test/unit/protocol-ids checks them
// against package.json.
export * from './status';
export * from './search';
export * from './fixes';
export * from './format';
export * from './downloads';
export * from './share';
export * from './trees';
export * from './categories';
