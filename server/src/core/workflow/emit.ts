// Turns the tokens the walkers find into ModelReferences: loader values (with special values),
// extension-matched values of unknown node types, and embeddings inside prompt text.
import { hasModelExtension } from '../categories';
import type { ModelMetadata, ModelReference } from '../types';
import { findEmbeddings } from './embeddings';
import { innerSpan, rawOffset, str, type Node } from './jsonTree';
import type { LoaderInput } from './loaderTable';
import { selects } from './metadata';

/** Who holds a value: the reported node identity. */
export interface Holder {
  nodeId: string;
  nodeType: string;
  active: boolean;
  /** `properties.models` of the node whose widget the value feeds. */
  models: readonly ModelMetadata[];
}

/** Where in the holder the value sits. */
export type Slot = { widgetIndex: number } | { inputName: string };

/** Node types that hold text or values but never load a model. */
export function isNeverReference(nodeType: string): boolean {
  return nodeType === 'Note' || nodeType === 'MarkdownNote' || nodeType === 'Reroute' || nodeType.startsWith('Primitive');
}

export class ReferenceSink {
  private readonly refs: { ref: ModelReference; models: readonly ModelMetadata[] }[] = [];

  constructor(private readonly text: string) {}

  /** A loader's model widget. Empty values and values that name no file are no reference. */
  loader(holder: Holder, token: Node | undefined, slot: Slot, spec: LoaderInput): void {
    const value = str(token);
    if (!token || !value) return;
    let category: string | null = spec.category;
    let kind: ModelReference['kind'] = 'loader';
    if (spec.special && Object.prototype.hasOwnProperty.call(spec.special, value)) {
      const special = spec.special[value];
      if (special === null) return;
      category = special;
      kind = 'vae-approx';
    }
    this.add(holder, slot, value, category, kind, innerSpan(token));
  }

  /** A value of a node type in no table: a reference when it ends with a model extension. */
  pattern(holder: Holder, token: Node | undefined, slot: Slot): void {
    const value = str(token);
    if (!token || !value || !hasModelExtension(value)) return;
    this.add(holder, slot, value, null, 'pattern', innerSpan(token));
  }

  /** `embedding:NAME` mentions inside a string value. */
  embeddings(holder: Holder, token: Node | undefined, slot: Slot): void {
    const value = str(token);
    if (!token || !value) return;
    for (const m of findEmbeddings(value)) {
      const offset = rawOffset(this.text, token, m.index);
      const end = rawOffset(this.text, token, m.index + m.name.length);
      this.add(holder, slot, m.name, 'embeddings', 'embedding', { offset, length: end - offset });
    }
  }

  /** The references found, each enriched with the metadata entries it selects. */
  finish(topLevel: readonly ModelMetadata[]): ModelReference[] {
    return this.refs.map(({ ref, models }) => {
      const metadata = [...models, ...topLevel].filter((m) => selects(ref, m));
      if (metadata.length) ref.metadata = dedupe(metadata);
      return ref;
    });
  }

  private add(holder: Holder, slot: Slot, value: string, category: string | null, kind: ModelReference['kind'], span: { offset: number; length: number }): void {
    this.refs.push({
      ref: { nodeId: holder.nodeId, nodeType: holder.nodeType, ...slot, value, category, active: holder.active, offset: span.offset, length: span.length, kind },
      models: holder.models,
    });
  }
}

function dedupe(list: ModelMetadata[]): ModelMetadata[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = `${m.name}\u0000${m.url ?? ''}\u0000${m.hash ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
