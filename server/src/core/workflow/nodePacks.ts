// Which custom node packs a workflow needs (install plan): UI-format nodes record their pack in
// `properties.cnr_id` (Comfy Registry id; `comfy-core` = ComfyUI itself) or `properties.aux_id` (GitHub
// `owner/repo` of unregistered packs), with `properties.ver`. Nodes with neither are core when their type
// is in coreNodeTypes.json, else reported as node types no known pack provides. Subgraph instances
// (type = a subgraph id) and legacy group nodes (`workflow>…`) are containers, not node types.
import { parse } from 'jsonc-parser';
import coreNodeData from './coreNodeTypes.json';

const CORE: ReadonlySet<string> = new Set(coreNodeData.nodeTypes);

export interface NodePack {
  /** Registry id (cnr_id) or `owner/repo` (aux_id). */
  id: string;
  kind: 'registry' | 'github';
  /** Versions the workflow's nodes were saved with. */
  versions: string[];
  nodeTypes: string[];
}

export interface NodePackReport {
  packs: NodePack[];
  /** Node types neither ComfyUI core nor a pack the workflow names. */
  unknownNodeTypes: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export function nodePacksOf(text: string): NodePackReport {
  const root: unknown = parse(text, [], { allowTrailingComma: true });
  const packs = new Map<string, NodePack>();
  const unknown = new Set<string>();
  const add = (type: string, properties: Json) => {
    const cnr = str(properties.cnr_id);
    const aux = str(properties.aux_id);
    if (cnr === 'comfy-core' || (!cnr && !aux && CORE.has(type))) return;
    if (!cnr && !aux) return void unknown.add(type);
    const id = (cnr ?? aux)!;
    let pack = packs.get(id);
    if (!pack) packs.set(id, (pack = { id, kind: cnr ? 'registry' : 'github', versions: [], nodeTypes: [] }));
    const ver = str(properties.ver);
    if (ver && !pack.versions.includes(ver)) pack.versions.push(ver);
    if (!pack.nodeTypes.includes(type)) pack.nodeTypes.push(type);
  };
  if (!isObject(root)) return { packs: [], unknownNodeTypes: [] };
  if (Array.isArray(root.nodes)) {
    const definitions = isObject(root.definitions) && Array.isArray(root.definitions.subgraphs) ? root.definitions.subgraphs.filter(isObject) : [];
    const containers = new Set(definitions.map((s) => str(s.id)).filter((id): id is string => !!id));
    for (const nodes of [root.nodes, ...definitions.map((s) => s.nodes)]) {
      for (const node of Array.isArray(nodes) ? nodes.filter(isObject) : []) {
        const properties = isObject(node.properties) ? node.properties : {};
        const type = str(node.type) ?? str(properties['Node name for S&R']);
        if (!type || containers.has(type) || /^workflow[>/]/.test(type)) continue;
        add(type, properties);
      }
    }
  } else {
    for (const node of Object.values(root).filter(isObject)) {
      const type = str(node.class_type);
      if (type) add(type, {});
    }
  }
  const byId = (a: NodePack, b: NodePack) => a.id.localeCompare(b.id);
  return { packs: [...packs.values()].sort(byId), unknownNodeTypes: [...unknown].sort() };
}
