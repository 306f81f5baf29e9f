// UI-format workflows (schema 0.4 top level, schema-1 subgraph bodies): walks root nodes, subgraph
// instances (promoted values or values left in inner nodes), nested definitions and legacy group
// nodes, reporting each model value where its effective value lives (DESIGN.md §5, last bullet).
import type { Steps } from '../steps';
import type { ModelMetadata } from '../types';
import { isNeverReference, ReferenceSink, type Holder, type Slot } from './emit';
import { entries, idText, items, num, prop, str, type Node } from './jsonTree';
import type { LoaderInput, LoaderTable } from './loaderTable';
import { readModelsMetadata } from './metadata';

/** Subgraph input types that are widgets (and so take a slot in an instance's widgets_values). */
const WIDGET_TYPES = new Set(['COMBO', 'INT', 'FLOAT', 'STRING', 'BOOLEAN']);

interface PromotionLink {
  originSlot: number;
  targetId: string;
  targetSlot: number;
}

interface SubgraphDef {
  id: string;
  inputs: Node[];
  nodes: Node[];
  nodesById: Map<string, Node>;
  /** Links leaving the subgraph's input node (id -10). */
  fromInputs: PromotionLink[];
}

/** An inner widget that a promoted value feeds. */
interface PromotionTarget {
  path: string;
  nodeType: string;
  widget: string;
  models: ModelMetadata[];
}

const isInactiveMode = (mode: number | undefined): boolean => mode === 2 || mode === 4;

function readLink(link: Node): PromotionLink | undefined {
  if (link.type === 'array') {
    // 0.4 tuple: [id, origin_id, origin_slot, target_id, target_slot, type]
    const [, origin, oslot, target, tslot] = items(link);
    if (num(origin) !== -10) return undefined;
    const targetId = idText(target);
    const originSlot = Number(idText(oslot));
    const targetSlot = Number(idText(tslot));
    return targetId !== undefined ? { originSlot, targetId, targetSlot } : undefined;
  }
  if (num(prop(link, 'origin_id')) !== -10) return undefined;
  const targetId = idText(prop(link, 'target_id'));
  if (targetId === undefined) return undefined;
  return { originSlot: Number(idText(prop(link, 'origin_slot'))), targetId, targetSlot: Number(idText(prop(link, 'target_slot'))) };
}

function collectDefinitions(root: Node, into: Map<string, SubgraphDef>): void {
  for (const def of items(prop(prop(root, 'definitions'), 'subgraphs'))) {
    const id = str(prop(def, 'id'));
    if (!id || into.has(id)) continue;
    const nodes = items(prop(def, 'nodes'));
    const nodesById = new Map<string, Node>();
    for (const n of nodes) {
      const nid = idText(prop(n, 'id'));
      if (nid !== undefined) nodesById.set(nid, n);
    }
    const fromInputs = items(prop(def, 'links')).map(readLink).filter((l): l is PromotionLink => !!l);
    into.set(id, { id, inputs: items(prop(def, 'inputs')), nodes, nodesById, fromInputs });
    collectDefinitions(def, into);
  }
}

function isWidgetInput(input: Node): boolean {
  const type = prop(input, 'type');
  return type?.type === 'array' || WIDGET_TYPES.has(str(type) ?? '');
}

function widgetValue(values: Node | undefined, index: number, name: string | undefined): { token: Node | undefined; slot: Slot } {
  if (values?.type === 'object') return { token: name !== undefined ? prop(values, name) : undefined, slot: { inputName: name ?? '' } };
  return { token: items(values)[index], slot: { widgetIndex: index } };
}

/** Top-level nodes walked in one step (the parse yields between steps). */
const WALK_SLICE = 2_000;

export function* walkUi(root: Node, table: LoaderTable, sink: ReferenceSink): Steps<void> {
  const defs = new Map<string, SubgraphDef>();
  collectDefinitions(root, defs);
  const groupNodes = new Map(entries(prop(prop(root, 'extra'), 'groupNodes')));
  /** `<execution path>|<widget>` of inner widgets whose value an instance overrides. */
  const overridden = new Set<string>();

  const specFor = (nodeType: string, widget: string): LoaderInput | undefined => table.get(nodeType)?.find((s) => s.input === widget);

  function walkGraph(nodes: readonly Node[], prefix: string, active: boolean, stack: readonly string[]): void {
    for (const node of nodes) {
      const id = idText(prop(node, 'id')) ?? '';
      const path = prefix + id;
      const type = str(prop(node, 'type')) ?? '';
      const nodeActive = active && !isInactiveMode(num(prop(node, 'mode')));
      const def = defs.get(type);
      const group = /^workflow[>/](.+)$/.exec(type);
      if (def) {
        if (!stack.includes(def.id)) instance(node, def, path, nodeActive, stack);
      } else if (group && groupNodes.has(group[1])) groupNode(node, groupNodes.get(group[1])!, path, nodeActive);
      else plainNode(node, type, path, nodeActive);
    }
  }

  function plainNode(node: Node, type: string, path: string, active: boolean): void {
    if (isNeverReference(type)) return;
    const values = prop(node, 'widgets_values');
    const holder: Holder = { nodeId: path, nodeType: type, active, models: readModelsMetadata(prop(prop(node, 'properties'), 'models')) };
    const specs = table.get(type);
    if (specs) {
      for (const spec of specs) {
        if (spec.input !== undefined && overridden.has(`${path}|${spec.input}`)) continue;
        if (values?.type !== 'object' && spec.index === undefined) continue;
        const { token, slot } = widgetValue(values, spec.index ?? -1, spec.input);
        sink.loader(holder, token, slot, spec);
      }
    }
    forEachValue(values, (token, slot) => {
      if (!specs) sink.pattern(holder, token, slot);
      sink.embeddings(holder, token, slot);
    });
  }

  /** Values of a subgraph instance are promoted inner widgets, in the order of the definition's widget inputs. */
  function instance(node: Node, def: SubgraphDef, path: string, active: boolean, stack: readonly string[]): void {
    const values = prop(node, 'widgets_values');
    let position = 0;
    def.inputs.forEach((input, k) => {
      if (!isWidgetInput(input)) return;
      const name = str(prop(input, 'name'));
      const { token, slot } = widgetValue(values, position++, name);
      if (!token || token.type === 'null' || (name !== undefined && overridden.has(`${path}|${name}`))) return;
      const targets = promotionTargets(def, k, path, [...stack, def.id]);
      for (const t of targets) overridden.add(`${t.path}|${t.widget}`);
      const loaderTarget = targets.find((t) => specFor(t.nodeType, t.widget));
      const first = loaderTarget ?? targets[0];
      const holder: Holder = { nodeId: path, nodeType: first?.nodeType ?? def.id, active, models: first?.models ?? [] };
      if (loaderTarget) sink.loader(holder, token, slot, specFor(loaderTarget.nodeType, loaderTarget.widget)!);
      else if (!targets.some((t) => table.has(t.nodeType))) sink.pattern(holder, token, slot);
      sink.embeddings(holder, token, slot);
    });
    walkGraph(def.nodes, `${path}:`, active, [...stack, def.id]);
  }

  /** The inner widgets fed by input `k` of `def` (through nested instances), with execution paths. */
  function promotionTargets(def: SubgraphDef, k: number, instancePath: string, stack: readonly string[]): PromotionTarget[] {
    const out: PromotionTarget[] = [];
    for (const link of def.fromInputs) {
      if (link.originSlot !== k) continue;
      const target = def.nodesById.get(link.targetId);
      const input = items(prop(target, 'inputs'))[link.targetSlot];
      if (!target || !input) continue;
      const widget = str(prop(prop(input, 'widget'), 'name')) ?? str(prop(input, 'name')) ?? '';
      const nodeType = str(prop(target, 'type')) ?? '';
      const path = `${instancePath}:${link.targetId}`;
      const nested = defs.get(nodeType);
      if (nested && !stack.includes(nested.id)) {
        out.push({ path, nodeType, widget, models: [] });
        const index = nested.inputs.findIndex((i) => str(prop(i, 'name')) === widget);
        if (index >= 0) out.push(...promotionTargets(nested, index, path, [...stack, nested.id]));
      } else out.push({ path, nodeType, widget, models: readModelsMetadata(prop(prop(target, 'properties'), 'models')) });
    }
    return out;
  }

  /** A legacy group node's values are its inner nodes' values, concatenated in inner-node order. */
  function groupNode(node: Node, group: Node, path: string, active: boolean): void {
    const values = items(prop(node, 'widgets_values'));
    const instanceModels = readModelsMetadata(prop(prop(node, 'properties'), 'models'));
    let offset = 0;
    for (const inner of items(prop(group, 'nodes'))) {
      const type = str(prop(inner, 'type')) ?? '';
      const count = items(prop(inner, 'widgets_values')).length;
      if (!isNeverReference(type)) {
        const models = [...instanceModels, ...readModelsMetadata(prop(prop(inner, 'properties'), 'models'))];
        const holder: Holder = { nodeId: path, nodeType: type, active, models };
        const specs = table.get(type);
        for (const spec of specs ?? []) {
          if (spec.index !== undefined && spec.index < count) sink.loader(holder, values[offset + spec.index], { widgetIndex: offset + spec.index }, spec);
        }
        for (let i = offset; i < offset + count && i < values.length; i++) {
          if (!specs) sink.pattern(holder, values[i], { widgetIndex: i });
          sink.embeddings(holder, values[i], { widgetIndex: i });
        }
      }
      offset += count;
    }
  }

  const nodes = items(prop(root, 'nodes'));
  for (let start = 0; start < nodes.length; start += WALK_SLICE) {
    if (start > 0) yield;
    walkGraph(nodes.slice(start, start + WALK_SLICE), '', true, []);
  }
}

/**
 * Every value of an array- or object-shaped widgets_values, and string values one level inside
 * objects there (rgthree's Power Lora Loader keeps `{on, lora, strength}`), with their slot.
 */
function forEachValue(values: Node | undefined, visit: (token: Node, slot: Slot) => void): void {
  const one = (token: Node, slot: Slot): void => {
    if (token.type === 'object') for (const [, inner] of entries(token)) visit(inner, slot);
    else visit(token, slot);
  };
  if (values?.type === 'object') for (const [key, token] of entries(values)) one(token, { inputName: key });
  else items(values).forEach((token, i) => one(token, { widgetIndex: i }));
}
