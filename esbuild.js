// Bundles the extension (and the webview scripts) in the style of the official esbuild extension template.
const esbuild = require('esbuild');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the format of the `$esbuild-watch` problem matcher. */
const problemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/**
 * @looker/sdk's ESM index re-exports a type-only name from an empty module, which esbuild rejects
 * (SDK-NOTES.md §6). We only import types from @looker/sdk, but keep the fix so a value import cannot break the build.
 */
const lookerSdkEsmFix = {
  name: 'looker-sdk-esm-fix',
  setup(build) {
    build.onLoad({ filter: /@looker[\\/]sdk[\\/]lib[\\/]esm[\\/]index\.js$/ }, async (args) => {
      const fs = require('fs');
      const src = await fs.promises.readFile(args.path, 'utf8');
      return { contents: src.replace(/^.*ILooker40SDK.*$/m, ''), loader: 'js' };
    });
  },
};

const SRC = path.join(__dirname, 'src');

/**
 * Features loaded on first use, each its own bundle next to dist/extension.js: entry, and the src/ folders it owns.
 * Any other src/ module a feature imports is not bundled again: it is taken from the main bundle's `__core` export, so
 * classes (errors, tree nodes, the client) are the very same ones at run time.
 */
const FEATURES = [
  { name: 'details', entry: 'src/details/controller.ts', own: ['details'] },
  { name: 'bulk', entry: 'src/bulk/commands.ts', own: ['bulk'] },
  { name: 'lookml', entry: 'src/lookml/feature.ts', own: ['lookml'] },
];

/** A src/ module path relative to src/, without extension ("looker/client"), or undefined outside src/. */
function srcModule(resolveDir, request) {
  const abs = path.resolve(resolveDir, request);
  if (!abs.startsWith(SRC + path.sep)) return undefined;
  return path.relative(SRC, abs).replace(/\\/g, '/').replace(/\.ts$/, '');
}

function coreImportsPlugin(feature, used) {
  return {
    name: `core-imports-${feature.name}`,
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.namespace !== 'file' || !args.importer.startsWith(SRC)) return undefined;
        const mod = srcModule(args.resolveDir, args.path);
        if (!mod || feature.own.includes(mod.split('/')[0])) return undefined;
        used.add(mod);
        return { path: mod, namespace: 'looker-core' };
      });
      build.onResolve({ filter: /^\.\/extension\.js$/ }, () => ({ path: './extension.js', external: true }));
      build.onLoad({ filter: /.*/, namespace: 'looker-core' }, (args) => ({
        contents: `module.exports = require('./extension.js').__core[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

async function main() {
  const fs = require('fs');
  // A production build starts from an empty dist/ so no development leftovers (source maps) are packaged.
  if (production) fs.rmSync('dist', { recursive: true, force: true });
  // The codicon font and its CSS come from @vscode/codicons at build time (not committed).
  fs.mkdirSync('media/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(require.resolve(`@vscode/codicons/dist/${f}`), `media/codicons/${f}`);
  const common = {
    bundle: true,
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'silent',
    // Test-only hooks (e.g. answering modal dialogs from in-host tests) are compiled out of production builds.
    define: { __TEST_HOOKS__: production ? 'false' : 'true' },
  };
  const node = { ...common, format: 'cjs', platform: 'node', target: 'node20', mainFields: ['module', 'main'], external: ['vscode'] };
  const contexts = [];
  const used = new Set();
  for (const f of FEATURES) {
    contexts.push(await esbuild.context({
      ...node,
      plugins: [problemMatcherPlugin, lookerSdkEsmFix, coreImportsPlugin(f, used)],
      entryPoints: [f.entry],
      outfile: `dist/${f.name}.js`,
    }));
  }
  // Features first: they tell which core modules the main bundle must export.
  const built = new Set(contexts);
  for (const c of contexts) await c.rebuild();
  const core = [...used].sort();
  const stdin = [
    "const ext = require('./src/extension.ts');",
    'module.exports = { activate: ext.activate, deactivate: ext.deactivate, __core: {',
    ...core.map((m) => `  ${JSON.stringify(m)}: require(${JSON.stringify(`./src/${m}.ts`)}),`),
    '} };',
  ].join('\n');
  const main = await esbuild.context({
    ...node,
    plugins: [problemMatcherPlugin, lookerSdkEsmFix],
    stdin: { contents: stdin, resolveDir: __dirname, sourcefile: 'extension-entry.js', loader: 'js' },
    outfile: 'dist/extension.js',
  });
  contexts.unshift(main);
  const mediaEntries = fs.existsSync('media')
    ? fs.readdirSync('media').filter((f) => /^[a-z-]+\.ts$/.test(f)).map((f) => path.join('media', f))
    : [];
  if (mediaEntries.length) {
    contexts.push(
      await esbuild.context({
        ...common,
        plugins: [problemMatcherPlugin],
        entryPoints: mediaEntries,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        outdir: 'dist/media',
      }),
    );
  }
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  for (const c of contexts) {
    if (c === main || !built.has(c)) await c.rebuild();
    await c.dispose();
  }
  const size = (f) => fs.statSync(f).size;
  const parts = FEATURES.map((f) => `${f.name}.js ${size(`dist/${f.name}.js`)}`).join(', ');
  console.log(`dist/extension.js: ${size('dist/extension.js')} bytes${production ? ' (production)' : ''}; loaded on first use: ${parts}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
