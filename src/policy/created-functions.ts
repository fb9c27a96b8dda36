import type { RoutineVerdict } from './target-catalogue.ts';
import { highestTier } from '../contracts/tier.ts';

/**
 * Functions created earlier in a text, by name (a trigger created later, or
 * a call, may run one). Judging a body means parsing it again, so it is done
 * only when a later statement asks, once per name: most texts that create a
 * function never ask. By name alone: a name defined in several schemas is
 * judged by the worst of its bodies.
 */
interface Definitions {
  judges: (() => RoutineVerdict | undefined)[];
  /** Set once judged; cleared when another definition of the name arrives. */
  verdict?: { worst: RoutineVerdict | undefined };
}

export class CreatedFunctions {
  // Made at the first definition: most texts define no function.
  #byName: Map<string, Definitions> | undefined;

  /** Remember a definition; `judge` says what its body does. */
  add(name: string, judge: () => RoutineVerdict | undefined): void {
    this.#byName ??= new Map();
    const definitions = this.#byName.get(name);
    if (definitions) {
      definitions.judges.push(judge);
      delete definitions.verdict;
    } else this.#byName.set(name, { judges: [judge] });
  }

  /** The worst verdict on the bodies created under this name, or undefined when none was. */
  get(name: string): RoutineVerdict | undefined {
    const definitions = this.#byName?.get(name);
    if (!definitions) return undefined;
    if (definitions.verdict) return definitions.verdict.worst;
    let worst: RoutineVerdict | undefined;
    for (const judge of definitions.judges) {
      const verdict = judge();
      if (verdict && (!worst || highestTier([worst.tier, verdict.tier]) !== worst.tier)) worst = verdict;
    }
    definitions.verdict = { worst };
    return worst;
  }
}
