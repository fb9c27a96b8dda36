import { StateSchema, type StateSchemaFields } from '@langchain/langgraph';
import { z } from 'zod';

/**
 * The graph's state and input, as LangGraph's StateSchema.
 *
 * Given a zod object as the state, LangGraph checks each step's write by
 * building two partial schemas of the whole state on every write, and zod
 * compiles each new schema anew: a third of the line's time in node (issue
 * 17). As a StateSchema, each channel is checked against its own field's
 * schema, compiled once.
 */
// zod 4's schemas are standard schemas, which is all StateSchema reads of them; its types want zod's JSON-schema props too.
const fieldsOf = (object: z.ZodObject) => object.shape as unknown as StateSchemaFields;

export function channelsOf(state: z.ZodObject): StateSchema<StateSchemaFields> {
  return new StateSchema(fieldsOf(state));
}

/**
 * What a caller gives the graph is still checked whole, against the zod
 * object: a missing or mistyped field is refused, unknown fields are
 * dropped and defaults filled in, exactly as with the zod object itself. The
 * LangGraph server (Studio) reads its JSON schema from here.
 */
class WholeInput extends StateSchema<StateSchemaFields> {
  readonly #object: z.ZodObject;

  constructor(object: z.ZodObject) {
    super(fieldsOf(object));
    this.#object = object;
  }

  // LangGraph calls this with a whole input, or with a Command's update: the
  // graph is never given one, and one is refused here (it is not a whole input).
  override async validateInput<T>(data: T): Promise<T> {
    if (data == null || typeof data !== 'object') return data;
    return this.#object.parse(data) as T;
  }

  override getInputJsonSchema() {
    const schema = z.toJSONSchema(this.#object, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
    return { type: 'object' as const, properties: schema.properties ?? {}, ...(schema.required?.length ? { required: schema.required } : {}) };
  }
}

export function wholeInputOf(input: z.ZodObject): StateSchema<StateSchemaFields> {
  return new WholeInput(input);
}
