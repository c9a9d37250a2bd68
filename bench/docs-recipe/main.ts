import '../processes/parent-watch.js';
import 'reflect-metadata';
import { serveApp } from '../processes/serve-app.js';
import { AppModule } from './app.module.js';

serveApp(AppModule);
