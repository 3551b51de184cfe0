import { benchExplorer } from './explorer.ts';

await benchExplorer();
process.exit(0);
