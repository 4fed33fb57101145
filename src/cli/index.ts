#!/usr/bin/env node
// The `elastiq` executable: bin/elastiq.js loads the built copy of this file.
import { run } from './main.js';

process.exitCode = await run(process.argv.slice(2));
