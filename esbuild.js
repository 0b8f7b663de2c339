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
 * @looker/sdk's ESM index re-exports a type-only name from an empty module, which esbuild rejects. We only import
 * types from @looker/sdk, but keep the fix so a value import cannot break the build.
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
  // One bundle. features.ts reaches the details, bulk and LookML modules through require(), which esbuild turns into
  // lazy module initialisers: their code runs on first use, as separate bundles' did, at no cost to activation.
  const main = await esbuild.context({
    ...node,
    plugins: [problemMatcherPlugin, lookerSdkEsmFix],
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
  });
  const contexts = [main];
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
    await c.rebuild();
    await c.dispose();
  }
  console.log(`dist/extension.js: ${fs.statSync('dist/extension.js').size} bytes${production ? ' (production)' : ''}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
