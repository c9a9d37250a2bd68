import { describeConsumerApp } from './consumer-app-suite.js';
import { NEST_12_ESM } from './consumer-apps.js';

describeConsumerApp(NEST_12_ESM);
