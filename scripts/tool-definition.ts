/** npm run tool-definition: prints the function-calling tool definition (the same one GET /tool.json serves). */
import { functionToolDefinition } from '../src/api/tool.js';

console.log(JSON.stringify(functionToolDefinition(), null, 2));
