#!/usr/bin/env node
// The `herald` command: runs the TypeScript CLI through tsx, so no build step stands between a clone and it.
import { register } from 'tsx/esm/api';

register();
await import('../functions/cli/main.ts');
