import { describeConsumerApp } from './consumer-app-suite.js';
import { NEST_11_COMMONJS } from './consumer-apps.js';

describeConsumerApp(NEST_11_COMMONJS);
