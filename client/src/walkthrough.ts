// The walkthrough's steps complete on real events, through context keys: a workflow of the workspace
// opened in an editor, a workflow whose missing models went down (a fix was applied), and a download
// that reached `finished`. VS Code's walkthrough service only hears events once it runs (it starts with
// the first walkthrough or welcome page shown), and takes a key that is already true then as seen, not
// done: so each step also completes on the command that does it (package.json completionEvents).
// Steps done before the service ran would still show 0/5: the extension remembers what the user did, and
// once a welcome or walkthrough tab is open (the service runs) it sets one more key per done step — a key
// false until then, so the service sees it change and checks the step from the state on open.
import * as vscode from 'vscode';
import type { StatusResult } from '../../server/src/protocol';
import type { WorkflowSummary } from '../../server/src/protocol/trees';
import type { Views } from './ctx';
import type { DownloadsModel } from './downloads/model';

export const WalkthroughContext = {
  workflowOpened: 'comfyModels.workflowOpened',
  missingFixed: 'comfyModels.missingModelFixed',
  downloadFinished: 'comfyModels.downloadFinished',
} as const;

export type WalkthroughStep = 'addModelFolder' | 'openWorkflow' | 'fixMissingModel' | 'downloadModel' | 'searchModels';

/** The key a step completes on once the walkthrough service runs (package.json completionEvents). */
export const stepDoneKey = (step: WalkthroughStep) => `comfyModels.walkthrough.${step}Done`;

/** Tab labels of VS Code's welcome page and walkthroughs: while one is open, the walkthrough service runs. */
const WELCOME_TAB = /^(Welcome|Walkthrough: )/;

/** The steps done so far, and whether the walkthrough service is listening. One per window. */
class WalkthroughProgress {
  private readonly done = new Set<WalkthroughStep>();
  private serviceRuns = false;

  constructor(private readonly memory: vscode.Memento) {
    // Searching leaves no state to read back: remembered across windows.
    if (memory.get<boolean>('walkthrough.searched')) this.done.add('searchModels');
  }

  mark(step: WalkthroughStep): void {
    if (step === 'searchModels') void this.memory.update('walkthrough.searched', true);
    if (this.done.has(step)) return;
    this.done.add(step);
    if (this.serviceRuns) void vscode.commands.executeCommand('setContext', stepDoneKey(step), true);
  }

  /** A welcome or walkthrough tab is open: tell the service about every step done before it ran. */
  serviceStarted(): void {
    if (this.serviceRuns) return;
    this.serviceRuns = true;
    for (const step of this.done) void vscode.commands.executeCommand('setContext', stepDoneKey(step), true);
  }
}

let progress: WalkthroughProgress | undefined;

/** The commands that complete a step (as the steps' onCommand completion events in package.json). */
const STEP_OF_COMMAND: Record<string, WalkthroughStep> = {
  'comfyModels.addModelFolder': 'addModelFolder',
  'comfyModels.openReference': 'openWorkflow',
  'comfyModels.fixReference': 'fixMissingModel',
  'comfyModels.searchIndex': 'fixMissingModel',
  'comfyModels.startDownloads': 'downloadModel',
  'comfyModels.searchModels': 'searchModels',
};

/** A Comfy Models command ran: the step it does is done. */
export function commandRan(id: string): void {
  const step = STEP_OF_COMMAND[id];
  if (step) progress?.mark(step);
}

const welcomeTabOpen = () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => WELCOME_TAB.test(t.label)));

export function trackWalkthrough(
  views: Views, downloads: DownloadsModel, onStatus: vscode.Event<StatusResult>, memory: vscode.Memento, subscriptions: vscode.Disposable[],
): void {
  const steps = (progress = new WalkthroughProgress(memory));
  let workflows = new Map<string, WorkflowSummary>();
  const checkEditor = (editor: vscode.TextEditor | undefined) => {
    if (!editor || !workflows.has(editor.document.uri.toString())) return;
    void vscode.commands.executeCommand('setContext', WalkthroughContext.workflowOpened, true);
    steps.mark('openWorkflow');
  };
  subscriptions.push(
    views.workflows.onDidList((list) => {
      const next = new Map(list.map((w) => [w.uri, w]));
      if ([...next.values()].some((w) => (workflows.get(w.uri)?.missing ?? 0) > w.missing)) {
        void vscode.commands.executeCommand('setContext', WalkthroughContext.missingFixed, true);
        steps.mark('fixMissingModel');
      }
      workflows = next;
      checkEditor(vscode.window.activeTextEditor);
      // A workflow opened before the list came: the visible editors count too.
      vscode.window.visibleTextEditors.forEach(checkEditor);
    }),
    vscode.window.onDidChangeActiveTextEditor(checkEditor),
    downloads.onDidChange((info) => {
      if (info.state !== 'finished') return;
      void vscode.commands.executeCommand('setContext', WalkthroughContext.downloadFinished, true);
      steps.mark('downloadModel');
    }),
    onStatus((status) => status.roots.length > 0 && steps.mark('addModelFolder')),
    vscode.window.tabGroups.onDidChangeTabs(() => welcomeTabOpen() && steps.serviceStarted()),
    { dispose: () => (progress = undefined) },
  );
  if (welcomeTabOpen()) steps.serviceStarted();
}
