// Small readers over jsonc-parser's syntax tree: the workflow walkers need values AND the exact
// offsets of the string tokens that hold them, so they read the tree rather than a parsed object.
import type { Node } from 'jsonc-parser';
import type { Span } from '../text';
import { LazyNode } from './lazyTree';

export type { Node };

// A key written twice: the LAST value wins, as in JSON.parse and Python's json (what ComfyUI reads).

/** The value node of `key` in an object node (the last one when the key repeats). */
export function prop(node: Node | undefined, key: string): Node | undefined {
  if (node instanceof LazyNode) return node.prop(key);
  if (node?.type !== 'object' || !node.children) return undefined;
  for (let i = node.children.length - 1; i >= 0; i--) {
    const [k, v] = node.children[i].children ?? [];
    if (k?.value === key) return v;
  }
  return undefined;
}

/** [key, value node] pairs of an object node (empty for anything else); a repeated key once, its last value. */
export function entries(node: Node | undefined): [string, Node][] {
  if (node?.type !== 'object' || !node.children) return [];
  const out = new Map<string, Node>();
  for (const p of node.children) {
    const [k, v] = p.children ?? [];
    if (k && v && typeof k.value === 'string') {
      out.delete(k.value); // the pair sits where its last occurrence is, like Python's dict
      out.set(k.value, v);
    }
  }
  return [...out];
}

/** Items of an array node (empty for anything else). */
export function items(node: Node | undefined): Node[] {
  return node?.type === 'array' ? node.children ?? [] : [];
}

export function str(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

export function num(node: Node | undefined): number | undefined {
  return node?.type === 'number' ? (node.value as number) : undefined;
}

/** A node id as the execution path uses it: numbers and strings alike, as text. */
export function idText(node: Node | undefined): string | undefined {
  if (node?.type === 'number') return String(node.value);
  if (node?.type === 'string') return node.value as string;
  return undefined;
}

/** Span of a string token's raw text inside the quotes. */
export function innerSpan(node: Node): Span {
  return { offset: node.offset + 1, length: Math.max(0, node.length - 2) };
}

/**
 * Offset in the document of the decoded character at `index` of a string token's value. Escapes
 * (`\\`, `\"`, `\uXXXX`) make raw and decoded positions differ, so walk the raw text once.
 */
export function rawOffset(text: string, token: Node, index: number): number {
  let raw = token.offset + 1;
  const end = token.offset + token.length - 1;
  for (let decoded = 0; decoded < index && raw < end; decoded++) {
    if (text[raw] === '\\') raw += text[raw + 1] === 'u' ? 6 : 2;
    else raw += 1;
  }
  return raw;
}
