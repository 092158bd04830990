import * as vscode from 'vscode';

/**
 * The steps of a multi-step flow (Sample Traces…, Export…, Import Traces…): each picker shows "2/5" in
 * its title bar (VS Code's `step` / `totalSteps`), which `showQuickPick` / `showInputBox` cannot, so
 * these build the pickers themselves. A flow whose length depends on an answer passes the total it
 * knows at that point.
 */
export interface StepOf {
  readonly step: number;
  readonly totalSteps: number;
}

export interface PickStepOptions<T extends vscode.QuickPickItem> extends Partial<StepOf> {
  readonly title: string;
  readonly placeholder?: string;
  readonly matchOnDescription?: boolean;
  readonly matchOnDetail?: boolean;
  readonly ignoreFocusOut?: boolean;
  /**
   * What the typed text means when it is not one of the items (the endpoint picker: a URL typed into the
   * box is that endpoint, without first picking "Enter a URL…"). Undefined: the text is only a filter.
   */
  readonly acceptTyped?: (value: string) => T | undefined;
}

/** One pick; undefined when dismissed. */
export function pickStep<T extends vscode.QuickPickItem>(
  items: readonly T[],
  o: PickStepOptions<T>,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.matchOnDescription = o.matchOnDescription ?? false;
    qp.matchOnDetail = o.matchOnDetail ?? false;
    qp.ignoreFocusOut = o.ignoreFocusOut ?? false;
    qp.items = items;
    let settled = false;
    const finish = (v: T | undefined) => {
      if (settled) return;
      settled = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const typed = qp.value.trim();
      const active = qp.activeItems[0];
      if (o.acceptTyped && typed && (!active || active.label !== typed)) {
        const item = o.acceptTyped(typed);
        if (item) return finish(item);
      }
      finish(qp.selectedItems[0] ?? active);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** Several picks (items with `picked` start ticked); undefined when dismissed. */
export function pickManyStep<T extends vscode.QuickPickItem>(
  items: readonly T[],
  o: PickStepOptions<T>,
): Promise<T[] | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.canSelectMany = true;
    qp.ignoreFocusOut = o.ignoreFocusOut ?? false;
    qp.items = items;
    qp.selectedItems = items.filter((i) => i.picked);
    let settled = false;
    const finish = (v: T[] | undefined) => {
      if (settled) return;
      settled = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidAccept(() => finish([...qp.selectedItems]));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

export interface InputStepOptions extends Partial<StepOf> {
  readonly title: string;
  readonly prompt?: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  readonly ignoreFocusOut?: boolean;
  /** A message for a value that cannot be accepted, or undefined. */
  readonly validate?: (value: string) => string | undefined;
}

/** One line of text; undefined when dismissed. Enter is refused while `validate` objects. */
export function inputStep(o: InputStepOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.prompt = o.prompt;
    box.value = o.value ?? '';
    box.placeholder = o.placeholder;
    box.password = o.password ?? false;
    box.ignoreFocusOut = o.ignoreFocusOut ?? false;
    const check = (v: string) => (box.validationMessage = o.validate?.(v));
    check(box.value);
    let settled = false;
    const finish = (v: string | undefined) => {
      if (settled) return;
      settled = true;
      resolve(v);
      box.dispose();
    };
    box.onDidChangeValue(check);
    box.onDidAccept(() => {
      if (o.validate?.(box.value)) return;
      finish(box.value);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/**
 * Numbers the steps of a flow as they come: `total` counts the pickers its arguments do not skip, and
 * `more()` adds one when an answer opens a further step (a custom value's input box).
 */
export function stepCounter(total: number): { next: () => StepOf; more: () => void } {
  let n = 0;
  return {
    next: () => ({ step: ++n, totalSteps: Math.max(total, n) }),
    more: () => void total++,
  };
}
