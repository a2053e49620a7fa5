import { type Schema as JsonSchemaDocument, Validator } from '@cfworker/json-schema';
import type { FunctionCall, FunctionDeclaration, FunctionResponse } from 'firebase/ai';
import { NpcVoiceError } from '../errors.js';

/** A JSON Schema for an action's arguments (an object schema). */
export interface ActionParameters {
  type: 'object';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
}
/** The JSON Schema subset Gemini function declarations understand (plus anything the validator checks). */
export interface JsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  description?: string;
  enum?: (string | number)[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  nullable?: boolean;
  [keyword: string]: unknown;
}

/** What an action's handler gets besides its arguments. */
export interface ActionContext {
  /** The NPC whose action this is. */
  npcId: string;
  /** The service's id for this call. */
  callId: string;
  /** Aborted when the service cancels the call (the player interrupted) or the conversation ends. */
  signal: AbortSignal;
}

/**
 * Something an NPC can do in the game, offered to the model as a function.
 *
 * @example
 * ```ts
 * const openGate: NpcAction<{ reason?: string }> = {
 *   description: 'Opens the village gate for the player.',
 *   parameters: { type: 'object', properties: { reason: { type: 'string' } } },
 *   handler: async () => { gate.open(); return { message: 'The gate swings open.' }; },
 * };
 * ```
 */
export interface NpcAction<Args extends Record<string, unknown> = Record<string, unknown>> {
  description: string;
  /** Arguments as a JSON Schema object; calls that do not match are answered with an error. */
  parameters?: ActionParameters;
  /** Does it. The result (any JSON value) goes back to the model; a throw goes back as `{ error }`. */
  handler: (args: Args, context: ActionContext) => unknown;
}

/** An action call as it happened, for the `action` event. */
export interface ActionOutcome {
  name: string;
  callId: string;
  args: Record<string, unknown>;
  /** What went back to the model. */
  response: Record<string, unknown>;
  ok: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Keywords Gemini's function schema accepts; others stay for validation only. */
const GEMINI_KEYWORDS = new Set([
  'type',
  'description',
  'enum',
  'items',
  'properties',
  'required',
  'nullable',
  'format',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
]);

/**
 * Runs an NPC's actions for the model: validates each call against its schema, runs the handler,
 * and answers with a `FunctionResponse` — errors included, never thrown into the session.
 * Cancelled calls are aborted through their `AbortSignal` and get no answer.
 */
export class ActionRunner {
  private readonly validators = new Map<string, Validator>();
  private readonly pending = new Map<string, AbortController>();

  constructor(
    private readonly npcId: string,
    private readonly actions: Readonly<Record<string, NpcAction<never>>>,
  ) {
    for (const [name, action] of Object.entries(actions)) {
      if (!NAME.test(name)) {
        throw new NpcVoiceError(
          'invalid-argument',
          `Action name "${name}" must be letters, digits and underscores (max 64), starting with a letter.`,
        );
      }
      if (typeof action.handler !== 'function') throw new NpcVoiceError('invalid-argument', `Action "${name}" has no handler function.`);
      if (action.parameters && action.parameters.type !== 'object') {
        throw new NpcVoiceError('invalid-argument', `Action "${name}": parameters must be a JSON Schema with type "object".`);
      }
      this.validators.set(name, new Validator((action.parameters ?? { type: 'object' }) as JsonSchemaDocument, '2020-12', false));
    }
  }

  /** The function declarations for the session's `tools`. */
  declarations(): FunctionDeclaration[] {
    return Object.entries(this.actions).map(([name, action]) => ({
      name,
      description: action.description,
      ...(action.parameters ? { parameters: geminiSchema(action.parameters) as FunctionDeclaration['parameters'] } : {}),
    }));
  }

  /** Calls in progress. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Runs one call. Resolves with the response to send, or null when the call was cancelled
   * meanwhile (nothing must be sent then).
   */
  async run(call: FunctionCall): Promise<{ response: FunctionResponse; outcome: ActionOutcome } | null> {
    const callId = call.id ?? '';
    const args = (call.args ?? {}) as Record<string, unknown>;
    const finish = (response: Record<string, unknown>, ok: boolean) => ({
      response: { ...(call.id ? { id: call.id } : {}), name: call.name, response },
      outcome: { name: call.name, callId, args, response, ok },
    });
    const action = this.actions[call.name];
    const validator = this.validators.get(call.name);
    if (!action || !validator) return finish({ error: `Unknown action "${call.name}".` }, false);
    const result = validator.validate(args);
    if (!result.valid) {
      const why = result.errors
        .filter((e) => e.error)
        .slice(-3)
        .map((e) => `${e.instanceLocation}: ${e.error}`)
        .join('; ');
      return finish({ error: `Invalid arguments for ${call.name}: ${why}` }, false);
    }
    const controller = new AbortController();
    this.pending.set(callId, controller);
    try {
      const value = await (action.handler as NpcAction['handler'])(args, { npcId: this.npcId, callId, signal: controller.signal });
      if (controller.signal.aborted) return null;
      return finish(asResponse(value), true);
    } catch (error) {
      if (controller.signal.aborted) return null;
      return finish({ error: error instanceof Error ? error.message : String(error) }, false);
    } finally {
      this.pending.delete(callId);
    }
  }

  /** Aborts the given calls (the service cancelled them). */
  cancel(ids: readonly string[]): void {
    for (const id of ids) {
      this.pending.get(id)?.abort(new NpcVoiceError('action-failed', `Call ${id} was cancelled by the service.`));
      this.pending.delete(id);
    }
  }

  /** Aborts everything in progress (the conversation ended). */
  cancelAll(): void {
    this.cancel([...this.pending.keys()]);
  }
}

function asResponse(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return { ok: true };
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return { result: value };
}

/** The declaration form of a schema: only what Gemini's function schema accepts. */
function geminiSchema(schema: JsonSchema | ActionParameters): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!GEMINI_KEYWORDS.has(key)) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, geminiSchema(v)]));
    } else if (key === 'items' && value && typeof value === 'object') {
      out.items = geminiSchema(value as JsonSchema);
    } else {
      out[key] = value;
    }
  }
  return out;
}
