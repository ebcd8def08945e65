import { Component, type ReactNode } from 'react';
import { withTranslation, type WithTranslation } from 'react-i18next';

interface State {
  error: Error | null;
}

/** Keeps one screen's rendering error from blanking the window; shows it and lets the user go on. */
class Boundary extends Component<WithTranslation & { children: ReactNode; resetKey: string }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-banner" role="alert" data-testid="render-error">
        <strong>{this.props.t('errors.INTERNAL')}</strong>
        <span className="reason">{this.state.error.message}</span>
      </div>
    );
  }
}

export const ErrorBoundary = withTranslation()(Boundary);
