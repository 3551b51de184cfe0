#!/usr/bin/env node
// The seeing-digits command: runs the TypeScript CLI (src/cli/main.ts) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
