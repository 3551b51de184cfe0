import { firefox } from '../../scripts/browsers.ts';
import { extensionSuite } from './suite.ts';

// The tests grant http://127.0.0.1/* (match patterns ignore ports), so the other site is reached as localhost.
extensionSuite(firefox, 'firefox', { otherHost: 'localhost', grantable: true });
