#!/usr/bin/env node
// The `elastiq` executable: bin/elastiq.js loads the built copy of this file.
import { run } from './main.js';

// The command is over once run() settles: whatever else still holds the event loop (the timers of
// a migration the migrator gave up on after --step-timeout) must not keep the process alive.
process.exit(await run(process.argv.slice(2)));
