// A model library and workflows for base-model checks: an SDXL checkpoint feeding (through a reroute)
// an SDXL LoRA, then an SD 1.5 LoRA (chained), then a LoRA with no family cue, into a sampler.
// Exactly one base-model-mismatch is expected: on the SD 1.5 LoRA.
import { join } from 'node:path';
import { writeFile } from './files';
import { checkpointTensors, kohyaMetadata, loraTensors, writeSafetensors } from './modelFiles';

export const PREVIEW_PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082', 'hex');

export function writeBaseModelLibrary(models: string): void {
  writeSafetensors(join(models, 'checkpoints/sdxl_base.safetensors'), checkpointTensors('sdxl'));
  writeSafetensors(join(models, 'checkpoints/sd15_base.safetensors'), checkpointTensors('sd1'));
  writeFile(join(models, 'checkpoints/mystery_ckpt.safetensors'), 'no header at all');
  writeSafetensors(join(models, 'loras/xl_detail.safetensors'), loraTensors('sdxl'));
  writeSafetensors(join(models, 'loras/sd15_style.safetensors'), loraTensors('sd1'), kohyaMetadata('sd_v1', { 'watercolor': 12, 'soft light': 4 }, 'Watercolor Style'));
  writeFile(join(models, 'loras/sd15_style.preview.png'), PREVIEW_PNG);
  writeSafetensors(join(models, 'loras/plain.safetensors'), { 'some.weight': [4, 4] });
}

const link = (id: number, from: number, to: number, toSlot: number): unknown[] => [id, from, 0, to, toSlot, 'MODEL'];
const uiNode = (id: number, type: string, widgets: unknown[], inputs: { name: string; link: number | null }[] = []) => ({
  id, type, mode: 0, widgets_values: widgets, inputs: inputs.map((i) => ({ ...i, type: 'MODEL' })), outputs: [{ name: 'MODEL', type: 'MODEL', links: [] }], properties: {},
});

/** UI format: 1 checkpoint → 6 reroute → 2 SDXL LoRA → 3 SD 1.5 LoRA → 4 plain LoRA → 5 sampler. */
export function chainWorkflowUi(checkpoint = 'sdxl_base.safetensors'): string {
  return JSON.stringify(
    {
      last_node_id: 6,
      last_link_id: 5,
      nodes: [
        uiNode(1, 'CheckpointLoaderSimple', [checkpoint]),
        uiNode(6, 'Reroute', [], [{ name: '', link: 1 }]),
        uiNode(2, 'LoraLoader', ['xl_detail.safetensors', 1, 1], [{ name: 'model', link: 2 }, { name: 'clip', link: null }]),
        uiNode(3, 'LoraLoader', ['sd15_style.safetensors', 1, 1], [{ name: 'model', link: 3 }, { name: 'clip', link: null }]),
        uiNode(4, 'LoraLoaderModelOnly', ['plain.safetensors', 1], [{ name: 'model', link: 4 }]),
        uiNode(5, 'KSampler', [1, 'fixed', 20, 8, 'euler', 'normal', 1], [{ name: 'model', link: 5 }]),
      ],
      links: [link(1, 1, 6, 0), link(2, 6, 2, 0), link(3, 2, 3, 0), link(4, 3, 4, 0), link(5, 4, 5, 0)],
      version: 0.4,
    },
    null,
    2,
  );
}

/** API format of the same chain (no reroute: the API format has none). */
export function chainWorkflowApi(checkpoint = 'sdxl_base.safetensors'): string {
  return JSON.stringify(
    {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: checkpoint } },
      '2': { class_type: 'LoraLoader', inputs: { lora_name: 'xl_detail.safetensors', strength_model: 1, strength_clip: 1, model: ['1', 0], clip: ['1', 1] } },
      '3': { class_type: 'LoraLoader', inputs: { lora_name: 'sd15_style.safetensors', strength_model: 1, strength_clip: 1, model: ['2', 0], clip: ['2', 1] } },
      '4': { class_type: 'LoraLoaderModelOnly', inputs: { lora_name: 'plain.safetensors', strength_model: 1, model: ['3', 0] } },
      '5': { class_type: 'KSampler', inputs: { model: ['4', 0], seed: 1, steps: 20 } },
    },
    null,
    2,
  );
}
