/** vscode.ExtensionMode.Test (this module has no `vscode` import, so unit tests can load it). */
const EXTENSION_MODE_TEST = 3;

/**
 * Replaced by esbuild: true in development/test bundles, false in the production bundle, where everything guarded by
 * it is removed as dead code. Undefined when the sources are compiled by tsc alone (unit tests).
 */
declare const __TEST_HOOKS__: boolean;

let enabled = false;

/** True in a development/test bundle (never in the production bundle). */
export function isTestBuild(): boolean {
  return typeof __TEST_HOOKS__ !== 'undefined' && __TEST_HOOKS__;
}

/**
 * Whether the test handle and the dialog answers are available: only a test build running in VS Code's test mode
 * (extensionTestsPath). A production build, or a test build run normally, gives other extensions nothing.
 */
export function testHandleAllowed(testBuild: boolean, mode: number | undefined): boolean {
  return testBuild && mode === EXTENSION_MODE_TEST;
}

/** Called once by activate(): turns the test hooks on only in a test build running in test mode. */
export function enableTestMode(mode: number | undefined): boolean {
  enabled = testHandleAllowed(isTestBuild(), mode);
  return enabled;
}

/** True only after {@link enableTestMode} allowed the hooks. */
export function inTestMode(): boolean {
  return isTestBuild() && enabled;
}
