/** Firefox's background (an event page, which may create Workers): analyses run here. */
import { analyzeSource } from '../host/analyzer.ts';
import { startBackground } from './index.ts';

startBackground(analyzeSource);
