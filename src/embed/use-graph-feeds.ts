/**
 * The Universal Sentence Encoder's graph in one synchronous pass. It holds two dynamic ops (`Where`:
 * which tokens fit the encoder's window, and where the tokens lie), and TF.js runs a graph with a
 * dynamic op one op at a time with an await between each (executeAsync): about a millisecond a
 * question on the bundled model. Both answers follow from the token lists alone, so they are
 * computed here and fed in place of the nodes that read them; the rest of the graph then runs
 * through execute(), the same kernels on the same values: the same vectors, bit for bit
 * (tests/unit/use-lite.test.ts).
 */

const ENCODER = 'module_apply_default/Encoder_en/KonaTransformer/';
/** How many leading positions of a text the encoder reads (128), and the dense input's fill (-1). */
const WINDOW = `${ENCODER}ClipToMaxLength/Less/y`;
const FILL = `${ENCODER}Encode/SparseToDense/default_value`;
/** The nodes fed: the kept entries of the sparse input, then each kept token's [row, position], then its position. */
const KEPT = `${ENCODER}ClipToMaxLength/Reshape`;
const COORDINATES = `${ENCODER}Encode/TransformerStack/Layer_1/TransformerLayer/FFN/StoreMask/ToInt32`;
const POSITIONS = `${ENCODER}Encode/TransformerStack/Layer_0/AddTimingSignal/strided_slice_2`;

/** The parts of a TF.js GraphModel read here. */
export interface GraphModelParts {
  weights: Record<string, { dataSync(): ArrayLike<number> }[] | undefined>;
  executor?: { graph?: { nodes?: Record<string, unknown> } };
}

/** A node's value: int32 data and its shape. */
export type Feed = [node: string, data: Int32Array, shape: [number] | [number, number]];

export class UseGraphFeeds {
  private constructor(
    private readonly window: number,
    private readonly fill: number,
  ) {}

  /** The feeds for this model, or undefined when it is not the graph they were made for (then it runs op by op). */
  static of(model: GraphModelParts): UseGraphFeeds | undefined {
    const window = model.weights[WINDOW]?.[0]?.dataSync()[0];
    const fill = model.weights[FILL]?.[0]?.dataSync()[0];
    const nodes = model.executor?.graph?.nodes;
    if (window === undefined || fill === undefined || !nodes) return undefined;
    if (![KEPT, COORDINATES, POSITIONS].every((node) => Object.hasOwn(nodes, node))) return undefined;
    return new UseGraphFeeds(window, fill);
  }

  /**
   * What the graph computes at those nodes for a sparse input of `count` entries: `indices` holds
   * [row, position] per entry, rows in order and positions rising within a row (as the input is
   * built), `values` the token ids.
   */
  feeds(indices: Int32Array, values: Int32Array, count: number): Feed[] {
    const kept = new Int32Array(count);
    const coordinates = new Int32Array(count * 2);
    const positions = new Int32Array(count);
    let k = 0;
    let t = 0;
    for (let e = 0; e < count; e++) {
      const position = indices[2 * e + 1]!;
      if (position >= this.window) continue;
      kept[k++] = e;
      // The dense input holds the id where a kept token lies and the fill elsewhere; the graph
      // takes the places where it is above the fill, in row-major order: the kept tokens, in order.
      if (values[e]! > this.fill) {
        coordinates[2 * t] = indices[2 * e]!;
        coordinates[2 * t + 1] = position;
        positions[t++] = position;
      }
    }
    return [
      [KEPT, kept.subarray(0, k), [k]],
      [COORDINATES, coordinates.subarray(0, 2 * t), [t, 2]],
      [POSITIONS, positions.subarray(0, t), [t]],
    ];
  }
}
