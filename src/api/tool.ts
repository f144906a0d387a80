/**
 * The search capability described for language models: one description and one input schema,
 * derived from the request schema, used by the MCP server and the function-calling definition.
 */
import { z } from '@hono/zod-openapi';
import { SearchRequestSchema } from './schemas.js';

export const TOOL_NAME = 'search_documents';

export const TOOL_DESCRIPTION = [
  'Search the document collection for passages that answer a question, and get them back with their sources.',
  'Use it whenever an answer should rest on the documents: ask in natural language (a full question works best),',
  'then quote or paraphrase the returned passages and cite them by their [n] numbers, which match the result ranks.',
  'Each result has the passage text, the best-matching sentence (snippet), a relevance from 0 to 1 (the chance it answers',
  'the question), the document title and its path or URL. When the documents hold no answer, no passage comes back and',
  'the answer says so: tell the user the documents do not cover it rather than guessing. Use `filter` to restrict to',
  'documents by id or metadata, and `top_k` for more or fewer passages.',
].join(' ');

/** What a model may set: the request without the context budget (the tool always packs context). */
export const ToolInputSchema = SearchRequestSchema.pick({
  query: true,
  top_k: true,
  mode: true,
  min_relevance: true,
  filter: true,
  collection: true,
});

/** OpenAI-style function definition ({type, name, description, parameters}). */
export function functionToolDefinition() {
  const parameters = z.toJSONSchema(ToolInputSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete parameters.$schema;
  return { type: 'function' as const, name: TOOL_NAME, description: TOOL_DESCRIPTION, parameters };
}
