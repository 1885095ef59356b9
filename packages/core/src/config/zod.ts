import { z } from 'zod';

// zod compiles a parser per object schema on its first use (new Function); a ck8s run parses a few
// small files, where compiling costs more than it saves (the demo fleet's cluster.yaml files: 41 ms
// of CPU compiled, 16 ms interpreted, and interpreted is no slower on repeated parses)
z.config({ jitless: true });

/** zod, set up for ck8s: every schema of core imports it from here. */
export { z };
