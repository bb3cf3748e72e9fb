import { afterEach } from 'vitest';
import { runAfterThisTest } from '../helpers/cleanup.js';

// A setup file runs again before every test file, isolated or not: this hook serves each one.
afterEach(runAfterThisTest);
