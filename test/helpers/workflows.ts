// Building blocks of the UI-format workflows tests write.

/** A UI-format node with its widget values and no links. */
export const uiNode = (id: number, type: string, widgets: unknown[], mode = 0) => ({ id, type, mode, widgets_values: widgets, inputs: [], outputs: [], properties: {} });
