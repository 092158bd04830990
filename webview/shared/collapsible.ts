import { css, type CSSResultGroup, type PropertyValues } from 'lit';
import { VscodeCollapsible } from '@vscode-elements/elements/dist/vscode-collapsible/vscode-collapsible.js';

/**
 * vscode-collapsible (2.5.1) with the disclosure semantics it lacks: its header is a focusable <div> with
 * no role or aria-expanded, toggled by Enter only. Here the header is a button whose aria-expanded follows
 * `open`, and Space toggles it too (https://www.w3.org/WAI/ARIA/apg/patterns/disclosure/). Same look,
 * same `vsc-collapsible-toggle` event.
 */
export class W2sCollapsible extends VscodeCollapsible {
  // a 24 px target at least (WCAG 2.2, 2.5.8; the component draws its header 22 px high); the
  // description in the description colour, not faded to 60% (3.4:1 in Light Modern)
  static override styles: CSSResultGroup = [
    VscodeCollapsible.styles,
    css`
      .collapsible-header {
        height: auto;
        min-height: 24px;
      }
      .title .description {
        opacity: 1;
        color: var(--vscode-descriptionForeground);
      }
    `,
  ];

  private get header(): HTMLElement | null | undefined {
    return this.shadowRoot?.querySelector<HTMLElement>('.collapsible-header');
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    this.header?.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key !== ' ') return;
      // Space would otherwise scroll the page; Enter is already handled by the component
      e.preventDefault();
      this.open = !this.open;
      this.dispatchEvent(new CustomEvent('vsc-collapsible-toggle', { detail: { open: this.open } }));
    });
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const header = this.header;
    if (!header) return;
    header.setAttribute('role', 'button');
    header.setAttribute('aria-expanded', String(this.open));
  }
}

if (!customElements.get('w2s-collapsible')) customElements.define('w2s-collapsible', W2sCollapsible);
