/** Runs in every test file: the temporary folders it made are removed when it ends. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/article-index.js';

afterAll(removeTempDirs);
