import { benchPopup } from './popup.ts';

await benchPopup();
process.exit(0);
