// Minimal typings for the two wink packages the peer benchmark uses (they ship none).
declare module 'wink-bm25-text-search' {
  interface Bm25Engine {
    defineConfig(config: { fldWeights: Record<string, number>; bm25Params?: { k1?: number; b?: number; k?: number } }): boolean;
    definePrepTasks(tasks: ((input: unknown) => unknown)[], field?: string): number;
    addDoc(doc: Record<string, string>, id: string | number): number;
    consolidate(fp?: number): boolean;
    search(text: string, limit?: number): [string, number][];
  }
  export default function bm25(): Bm25Engine;
}

declare module 'wink-nlp-utils' {
  type Task = (input: unknown) => unknown;
  const nlp: {
    string: { lowerCase: Task; tokenize0: Task };
    tokens: { removeWords: Task; stem: Task };
  };
  export default nlp;
}
