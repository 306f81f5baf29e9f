// Fixing a model reference: `comfyModels/fixEdit` and the reference shape code actions pass around.
import { RequestType, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { BaseModel } from '../core/modelInfo/types';

/** A model reference in a workflow, as code actions and the search palette pass it around. */
export interface ReferenceTarget {
  /** Workflow document URI. */
  uri: string;
  nodeId: string;
  widgetIndex?: number;
  inputName?: string;
  value: string;
  category: string | null;
  /** Span of the value inside the JSON string (document offsets). */
  offset: number;
  length: number;
  /** For add-on categories (LoRAs, ControlNets, …): the base model of the workflow's checkpoint. */
  baseModel?: BaseModel;
}

export interface FixEditParams {
  reference: ReferenceTarget;
  /** Quick hash of the indexed model the user picked. */
  hash: string;
  /** `map`: add a manifest mapping (+ model entry); `replace`: rewrite the value in the workflow. */
  kind: 'map' | 'replace';
}

/** `comfyModels/fixEdit`: the workspace edit that maps or replaces a reference with an indexed model. */
export namespace FixEditRequest {
  export const method = 'comfyModels/fixEdit' as const;
  export const type = new RequestType<FixEditParams, WorkspaceEdit | null, void>(method);
}
