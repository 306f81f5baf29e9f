// The links of a workflow: for each node, which node and output slot feeds each of its inputs. UI format:
// node `inputs: [{name, link}]` + `links: [[id, from_node, from_slot, to_node, to_slot, type]]` (or
// schema-1 link objects); API format: `inputs.<name>: [nodeId, slot]`. Nodes inside subgraph instances
// are there too, under their execution paths (`5:3` = node 3 inside instance 5, as references name
// them), and links are followed across the boundaries: an inner input fed by the subgraph's input node
// (-10) is fed by what feeds the instance's input of that name; an output of an instance is the inner
// output that the definition's output (-20) takes.

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

/** One graph of a UI workflow: the top level, or the inside of one subgraph instance. */
interface Level {
  /** Execution-path prefix of its nodes: '' at the top, `<instance path>:` inside an instance. */
  prefix: string;
  nodes: Map<string, Json>;
  /** Link id → the node (of this level) and output slot it leaves from. */
  links: Map<string, Upstream>;
  /** The instance this level is the inside of, in its parent level. */
  instance?: { node: Json; def: Json; parent: Level };
}

/** Instances nested deeper than this, or links followed through more boundaries, are not followed. */
const MAX_DEPTH = 32;

function linksOf(list: unknown): Map<string, Upstream> {
  const links = new Map<string, Upstream>();
  for (const l of Array.isArray(list) ? list : []) {
    if (Array.isArray(l)) {
      const [id, from, slot] = l;
      if (idOf(id) !== undefined && idOf(from) !== undefined) links.set(idOf(id)!, { node: idOf(from)!, slot: Number(slot) || 0 });
    } else if (isObject(l) && idOf(l.id) !== undefined && idOf(l.origin_id) !== undefined) {
      links.set(idOf(l.id)!, { node: idOf(l.origin_id)!, slot: Number(l.origin_slot) || 0 });
    }
  }
  return links;
}

function nodesOf(list: unknown): Map<string, Json> {
  const nodes = new Map<string, Json>();
  for (const n of Array.isArray(list) ? list : []) if (isObject(n) && idOf(n.id) !== undefined) nodes.set(idOf(n.id)!, n);
  return nodes;
}

/** Subgraph definitions by id, nested ones included. */
function definitionsOf(root: Json, into = new Map<string, Json>()): Map<string, Json> {
  const subgraphs = isObject(root.definitions) ? root.definitions.subgraphs : undefined;
  for (const def of Array.isArray(subgraphs) ? subgraphs : []) {
    if (!isObject(def) || typeof def.id !== 'string' || into.has(def.id)) continue;
    into.set(def.id, def);
    definitionsOf(def, into);
  }
  return into;
}

const linkOfInput = (node: Json, name: unknown): string | undefined =>
  (Array.isArray(node.inputs) ? node.inputs : []).map((i) => (isObject(i) && i.name === name ? idOf(i.link) : undefined)).find((l) => l !== undefined);

function uiGraph(root: Json): WorkflowGraph {
  const defs = definitionsOf(root);
  const insides = new Map<string, Level>();
  /** The level inside instance `node` of `parent` (built once per execution path). */
  const inside = (parent: Level, id: string, node: Json, def: Json): Level => {
    const prefix = `${parent.prefix}${id}:`;
    let level = insides.get(prefix);
    if (!level) insides.set(prefix, (level = { prefix, nodes: nodesOf(def.nodes), links: linksOf(def.links), instance: { node, def, parent } }));
    return level;
  };
  const defOf = (node: Json | undefined): Json | undefined => (node && typeof node.type === 'string' ? defs.get(node.type) : undefined);

  /** The node (by execution path) and slot that really produce what leaves `up` in `level`. */
  const resolve = (level: Level, up: Upstream | undefined, depth = 0): Upstream | undefined => {
    if (!up || depth > MAX_DEPTH) return undefined;
    if (up.node === '-10') {
      // The subgraph's input node: what feeds the instance's input of that name, one level up.
      const { instance } = level;
      if (!instance || !Array.isArray(instance.def.inputs)) return undefined;
      const input = instance.def.inputs[up.slot];
      const link = isObject(input) ? linkOfInput(instance.node, input.name) : undefined;
      return link === undefined ? undefined : resolve(instance.parent, instance.parent.links.get(link), depth + 1);
    }
    const node = level.nodes.get(up.node);
    const def = defOf(node);
    if (node && def) {
      // An instance's output: what the definition's output node (-20) takes at that slot, inside.
      const output = Array.isArray(def.outputs) ? def.outputs[up.slot] : undefined;
      const link = isObject(output) && Array.isArray(output.linkIds) ? idOf(output.linkIds[0]) : undefined;
      const inner = inside(level, up.node, node, def);
      return link === undefined ? undefined : resolve(inner, inner.links.get(link), depth + 1);
    }
    return { node: level.prefix + up.node, slot: up.slot };
  };

  const graph: WorkflowGraph = new Map();
  const walk = (level: Level, stack: readonly unknown[]): void => {
    for (const [id, n] of level.nodes) {
      const inputs = new Map<string, Upstream>();
      for (const input of Array.isArray(n.inputs) ? n.inputs : []) {
        if (!isObject(input) || typeof input.name !== 'string' || idOf(input.link) === undefined) continue;
        const up = resolve(level, level.links.get(idOf(input.link)!));
        if (up) inputs.set(input.name, up);
      }
      graph.set(level.prefix + id, { type: typeof n.type === 'string' ? n.type : '', inputs });
      const def = defOf(n);
      if (def && !stack.includes(def.id) && stack.length < MAX_DEPTH) walk(inside(level, id, n, def), [...stack, def.id]);
    }
  };
  walk({ prefix: '', nodes: nodesOf(root.nodes), links: linksOf(root.links) }, []);
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
