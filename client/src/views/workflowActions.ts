// Actions on a reference row of the Workflows view: open the workflow with the value selected, and
// fix it with the quick fixes the language server offers there (or the model search).
import * as vscode from 'vscode';
import type { ReferenceTarget } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { resolveReferenceInteractively } from '../palette';
import type { WorkflowNode } from './workflowsTree';

type ReferenceNode = Extract<WorkflowNode, { type: 'reference' }>;

export async function openReference(node: WorkflowNode | undefined): Promise<vscode.TextEditor | undefined> {
  if (node?.type !== 'reference') return undefined;
  const { uri, range } = node.reference;
  const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection, preview: true });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

/** Our diagnostics of a document: those present, or the next ones the editor receives for it. */
function diagnosticsOf(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'comfy-models');
  if (ours().length) return Promise.resolve(ours());
  return new Promise((resolve) => {
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      sub.dispose();
      resolve(ours());
    });
  });
}

export async function fixReference(ctx: Ctx, node: WorkflowNode | undefined): Promise<void> {
  if (node?.type !== 'reference') return;
  const editor = await openReference(node);
  if (!editor) return;
  const uri = editor.document.uri;
  const range = editor.selection;
  const atValue = (await diagnosticsOf(uri)).some((d) => d.range.intersection(range));
  const actions = atValue ? ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) ?? []) : [];
  const ours = actions.filter((a) => a.edit || a.command);
  const search = { label: '$(search) Search model index…', action: undefined as vscode.CodeAction | undefined };
  const pick = await vscode.window.showQuickPick([...ours.map((action) => ({ label: action.title, action })), search], { title: `Fix '${node.reference.value}'` });
  if (!pick) return;
  if (!pick.action) return void (await resolveReferenceInteractively(ctx, referenceTarget(node)));
  if (pick.action.edit) await vscode.workspace.applyEdit(pick.action.edit);
  if (pick.action.command) await vscode.commands.executeCommand(pick.action.command.command, ...(pick.action.command.arguments ?? []));
}

function referenceTarget(node: ReferenceNode): ReferenceTarget {
  const r = node.reference;
  return { uri: r.uri, nodeId: r.nodeId, value: r.value, category: r.category, offset: r.offset, length: r.length };
}
