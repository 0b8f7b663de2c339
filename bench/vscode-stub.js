// A do-nothing stand-in for the `vscode` module, used ONLY by the benchmark to time `require + activate()` of the
// bundle outside VS Code (what our own code costs at start-up; VS Code's own work is not included). Every property
// is a callable, constructible object; a call's result is a thenable that settles at once with [] (nothing hangs).
function stub(name = 'vscode') {
  const fn = function () {
    return stub(`${name}()`);
  };
  return new Proxy(fn, {
    get(_t, prop) {
      // A call's result may be awaited or .then()-ed (Thenable APIs such as findFiles): it settles at once with [].
      if (prop === 'then') return name.endsWith(')') ? (resolve) => Promise.resolve([]).then(resolve) : undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'length') return 0;
      return stub(`${name}.${String(prop)}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
    set() {
      return true;
    },
  });
}
// esbuild's CommonJS interop copies the module's own property names, so list every top-level export of the API.
const fs = require('fs');
const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
const api = {};
for (const m of dts.matchAll(/^\t?export (?:namespace|class|enum|const|function|let) (\w+)/gm)) api[m[1]] = stub(m[1]);
api.__stub = stub;
module.exports = api;
