#!/usr/bin/env node
// The `slimfit` command (package.json "bin"); the code is dist/cli/main.js (npm run build).
import { cliEntry } from '../dist/cli/main.js';

await cliEntry();
