// API-format workflows ("prompt": {"<id>": {class_type, inputs}}). Inputs are named, subgraphs and
// group nodes are already flattened, muted/bypassed nodes are omitted: every node is active.
import type { Steps } from '../steps';
import { isNeverReference, ReferenceSink, type Holder } from './emit';
import { entries, prop, str, type Node } from './jsonTree';
import type { LoaderTable } from './loaderTable';

export function isApiNode(node: Node): boolean {
  return str(prop(node, 'class_type')) !== undefined && prop(node, 'inputs')?.type === 'object';
}

/** Nodes walked in one step (the parse yields between steps). */
const WALK_SLICE = 2_000;

export function* walkApi(root: Node, table: LoaderTable, sink: ReferenceSink): Steps<void> {
  let walked = 0;
  for (const [id, node] of entries(root)) {
    if (++walked % WALK_SLICE === 0) yield;
    if (!isApiNode(node)) continue;
    const type = str(prop(node, 'class_type'))!;
    if (isNeverReference(type)) continue;
    const inputs = prop(node, 'inputs');
    const holder: Holder = { nodeId: id, nodeType: type, active: true, models: [] };
    const specs = table.get(type);
    for (const spec of specs ?? []) {
      if (spec.input !== undefined) sink.loader(holder, prop(inputs, spec.input), { inputName: spec.input }, spec);
    }
    for (const [name, value] of entries(inputs)) {
      // A 2-element array is a link; objects one level deep hold custom nodes' nested values.
      const tokens = value.type === 'object' ? entries(value).map(([, v]) => v) : [value];
      for (const token of tokens) {
        if (!specs) sink.pattern(holder, token, { inputName: name });
        sink.embeddings(holder, token, { inputName: name });
      }
    }
  }
}
