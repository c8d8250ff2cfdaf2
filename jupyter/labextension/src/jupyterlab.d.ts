// The parts of the JupyterLab API this extension uses. At run time they come from the page's
// shared modules (the builder marks JupyterLab's packages as shared singletons), so the
// build needs no @jupyterlab/* packages installed.
declare module '@jupyterlab/application' {
  export interface JupyterFrontEnd {}
  export interface JupyterFrontEndPlugin<T> {
    id: string;
    description?: string;
    autoStart?: boolean;
    requires?: unknown[];
    activate: (app: JupyterFrontEnd, ...args: any[]) => T;
  }
}
declare module '@jupyterlab/notebook' {
  interface ISignal<T, A> {
    connect(fn: (sender: T, args: A) => void, thisArg?: unknown): boolean;
  }
  export interface NotebookPanel {
    readonly content: { readonly node: HTMLElement };
    readonly context: { readonly saveState: ISignal<unknown, string>; readonly model: { toJSON(): unknown } };
    readonly disposed: ISignal<NotebookPanel, void>;
  }
  export interface INotebookTracker {
    forEach(fn: (panel: NotebookPanel) => void): void;
    readonly widgetAdded: ISignal<INotebookTracker, NotebookPanel>;
  }
  export const INotebookTracker: unknown;
}
