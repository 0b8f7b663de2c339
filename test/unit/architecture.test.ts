import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

// The layers of ARCHITECTURE.md, checked on the source: each folder of src/ (or top-level module) may import only
// its own layer and the ones listed before it; the three features import none of each other; no import cycle.
const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');

/** Lowest first. A module may import from its own entry and from entries before it. */
const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['looker'],
  ['log', 'testMode', 'format'],
  ['actions'],
  ['audit', 'commands'],
  ['connections'],
  ['users', 'webview'],
  ['details', 'bulk', 'lookml'],
  ['features.manifest', 'features'],
  ['extension'],
];
const FEATURES = new Set(['details', 'bulk', 'lookml']);

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `looker/client` for src/looker/client.ts. */
function moduleOf(file: string): string {
  return path.relative(SRC, file).replace(/\\/g, '/').replace(/\.ts$/, '');
}

function layerName(mod: string): string {
  return mod.split('/')[0];
}

function layerIndex(name: string): number {
  return LAYERS.findIndex((l) => l.includes(name));
}

function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: { specifier: string; typeOnly: boolean }[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ specifier: m[3], typeOnly: !!m[2] });
  return out;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sources(SRC)) {
    for (const { specifier, typeOnly } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      const resolved = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
      out.push({ from: moduleOf(file), to: moduleOf(resolved), typeOnly });
    }
  }
  return out;
}

describe('architecture: layers and import cycles (src/)', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    assert.ok(all.length > 100, `only ${all.length} imports found: the scan is broken`);
    assert.ok(all.some((e) => e.from === 'extension' && e.to === 'features'));
  });

  it('every folder of src/ has a layer', () => {
    const unknown = [...new Set(sources(SRC).map((f) => layerName(moduleOf(f))))].filter((n) => layerIndex(n) < 0);
    assert.deepStrictEqual(unknown, [], 'add them to LAYERS (and to ARCHITECTURE.md)');
  });

  it('no module imports a higher layer, and no feature imports another feature (type imports included)', () => {
    const wrong = all
      .filter((e) => {
        const a = layerName(e.from);
        const b = layerName(e.to);
        if (a === b) return false;
        if (FEATURES.has(a) && FEATURES.has(b)) return true;
        return layerIndex(b) > layerIndex(a);
      })
      .map((e) => `${e.from} → ${e.to}`);
    assert.deepStrictEqual(wrong, []);
  });

  it('src/looker has no vscode import (it runs in plain Node)', () => {
    const files = sources(path.join(SRC, 'looker')).filter((f) => importsOf(f).some((i) => i.specifier === 'vscode'));
    assert.deepStrictEqual(files.map(moduleOf), []);
  });

  it('no import cycle between modules (type-only imports left out: they vanish at run time)', () => {
    const graph = new Map<string, string[]>();
    for (const e of all) if (!e.typeOnly) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (m: string, trail: string[]): void => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(m)), m].join(' → '));
        return;
      }
      state.set(m, 'open');
      for (const next of graph.get(m) ?? []) visit(next, [...trail, m]);
      state.set(m, 'done');
    };
    for (const m of graph.keys()) visit(m, []);
    assert.deepStrictEqual(cycles, []);
  });
});
