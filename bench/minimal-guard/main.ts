import '../processes/parent-watch.js';
import 'reflect-metadata';
import { serveApp } from '../processes/serve-app.js';
import { MinimalGuardModule } from './app.module.js';

serveApp(MinimalGuardModule);
