import { describeConsumerApp } from './consumer-app-suite.js';
import { NEST_12_COMMONJS } from './consumer-apps.js';

describeConsumerApp(NEST_12_COMMONJS);
