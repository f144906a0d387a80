/** The deployed handler: configuration from the environment, loaded during Lambda's init phase. */
import { createLambdaHandler } from './lambda.js';
import { createService } from '../service.js';

const service = createService();
await service.ready;
export const handler = createLambdaHandler(service);
