// The links of a workflow's top-level graph: for each node, which node and output slot feeds each of
// its inputs. UI format: node `inputs: [{name, link}]` + `links: [[id, from_node, from_slot, to_node,
// to_slot, type]]` (or schema-1 link objects); API format: `inputs.<name>: [nodeId, slot]`. Nodes inside
// subgraphs are not linked here (their ids are execution paths); callers treat them as unknown.

export interface Upstream {
  node: string;
  slot: number;
}

export interface GraphNode {
  type: string;
  /** Input name → the output that feeds it. */
  inputs: Map<string, Upstream>;
}

export type WorkflowGraph = Map<string, GraphNode>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const idOf = (v: unknown): string | undefined => (typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);

/** The graph of a workflow JSON text; empty when it is not readable JSON of either format. */
export function readWorkflowGraph(text: string): WorkflowGraph {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return new Map();
  }
  if (!isObject(root)) return new Map();
  return Array.isArray(root.nodes) ? uiGraph(root) : apiGraph(root);
}

function uiGraph(root: Json): WorkflowGraph {
  const links = new Map<string, Upstream>();
  for (const l of Array.isArray(root.links) ? root.links : []) {
    if (Array.isArray(l)) {
      const [id, from, slot] = l;
      if (idOf(id) !== undefined && idOf(from) !== undefined) links.set(idOf(id)!, { node: idOf(from)!, slot: Number(slot) || 0 });
    } else if (isObject(l) && idOf(l.id) !== undefined && idOf(l.origin_id) !== undefined) {
      links.set(idOf(l.id)!, { node: idOf(l.origin_id)!, slot: Number(l.origin_slot) || 0 });
    }
  }
  const graph: WorkflowGraph = new Map();
  for (const n of root.nodes as unknown[]) {
    if (!isObject(n) || idOf(n.id) === undefined) continue;
    const inputs = new Map<string, Upstream>();
    for (const input of Array.isArray(n.inputs) ? n.inputs : []) {
      if (!isObject(input) || typeof input.name !== 'string' || idOf(input.link) === undefined) continue;
      const up = links.get(idOf(input.link)!);
      if (up) inputs.set(input.name, up);
    }
    graph.set(idOf(n.id)!, { type: typeof n.type === 'string' ? n.type : '', inputs });
  }
  return graph;
}

function apiGraph(root: Json): WorkflowGraph {
  const graph: WorkflowGraph = new Map();
  for (const [id, n] of Object.entries(root)) {
    if (!isObject(n) || typeof n.class_type !== 'string' || !isObject(n.inputs)) continue;
    const inputs = new Map<string, Upstream>();
    for (const [name, v] of Object.entries(n.inputs)) {
      if (Array.isArray(v) && v.length === 2 && idOf(v[0]) !== undefined && typeof v[1] === 'number') inputs.set(name, { node: idOf(v[0])!, slot: v[1] });
    }
    graph.set(id, { type: n.class_type, inputs });
  }
  return graph;
}
