import { Component, type ReactNode } from 'react';
import { saveDraft, type Draft } from './drafts';

interface Props {
  flowId: string;
  /** The editor's latest document (kept current on every render), read when it crashes. */
  latest: { current: Draft | null };
  /** Reopens the editor (the page reloads the flow, and the editor offers the draft). */
  onRetry: () => void;
  children: ReactNode;
}

/**
 * Catches a crash inside the editor without losing the document: the unsaved text is stored as a
 * draft (offered back when the editor reopens) and shown here, selectable and copyable.
 */
export class EditorBoundary extends Component<Props, { error: Error | null; text: string }> {
  state = { error: null as Error | null, text: '' };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch() {
    const d = this.props.latest.current;
    if (d) saveDraft(this.props.flowId, { ...d, at: Date.now() });
    this.setState({ text: d?.text ?? '' });
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page editor-crash" data-testid="editor-crash">
        <div className="error-banner" role="alert">
          The editor hit an error: {this.state.error.message}. Your unsaved work is kept: it is below and stored as a draft
          that the editor offers back when it reopens.
        </div>
        <div className="row">
          <button className="primary" data-testid="editor-crash-retry" onClick={this.props.onRetry}>Reopen the editor</button>
          <button onClick={() => void navigator.clipboard?.writeText(this.state.text)}>Copy the YAML</button>
        </div>
        <textarea className="crash-text" readOnly value={this.state.text} data-testid="editor-crash-text" rows={24} />
      </div>
    );
  }
}
