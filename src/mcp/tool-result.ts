import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { redactAll } from '../core/secrets.js';
import { ToolRefusal } from './context.js';
import { RootError } from './roots.js';
import { inToolTerms } from './tool-terms.js';

/** A structured result, with the same JSON as text for clients that only read text. */
function structured(value: Record<string, unknown>): CallToolResult {
  return { structuredContent: value, content: [{ type: 'text', text: JSON.stringify(value) }] };
}

/**
 * A tool error: one line, never a stack. Errors the engine raises carry a stable `code`,
 * refusals of this server name the rule. Anything else is reported by its message only.
 */
function toolError(error: unknown): CallToolResult {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof RootError ? error.code : error instanceof ToolRefusal ? 'refused' : ((error as { code?: unknown })?.code ?? 'error');
  const hint = (error as { hint?: unknown })?.hint;
  const said = `${message}${typeof hint === 'string' && hint ? ` (${hint})` : ''}`;
  // The server's own refusals name its flags on purpose; the engine's errors are worded for the CLI.
  const text = error instanceof RootError || error instanceof ToolRefusal ? said : inToolTerms(said);
  return { isError: true, content: [{ type: 'text', text: `error [${String(code)}]: ${text.split('\n')[0]}` }] };
}

/**
 * Runs a tool body; any refusal or engine error becomes a tool error (the server goes on).
 * Every answer leaves with the secrets replaced, in whatever form they were echoed.
 */
export async function answer(secrets: readonly string[], body: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  let result: CallToolResult;
  try {
    result = structured(await body());
  } catch (error) {
    result = toolError(error);
  }
  if (secrets.length === 0) return result;
  const text = JSON.stringify(result);
  const clean = redactAll(text, secrets);
  return clean === text ? result : (JSON.parse(clean) as CallToolResult);
}
