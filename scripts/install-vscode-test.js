#!/usr/bin/env node
console.log("install-vscode-test: not yet implemented");
