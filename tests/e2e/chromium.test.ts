import { chromium } from '../../scripts/browsers.ts';
import { extensionSuite } from './suite.ts';

// Another port on 127.0.0.1 is another origin, and activeTab does not cover it. (host-resolver-rules make every
// other host name unreachable.) Chrome's host-permission prompt is a native dialog headless tests cannot accept.
extensionSuite(chromium, 'chrome', { otherHost: '127.0.0.1', grantable: false });
