/**
 * A page that fails while drawing says so in words, and the rest of the application (the bar,
 * sign-out, the other pages) stays usable; without it React would leave a blank screen.
 */
import { Component, type ReactNode } from 'react';

interface State {
  readonly message: string | null;
}

export class PageErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { message: null };

  static getDerivedStateFromError(error: unknown): State {
    return { message: error instanceof Error ? error.message : String(error) };
  }

  override render() {
    if (this.state.message === null) return this.props.children;
    return (
      <div role="alert" className="problem">
        This page could not be shown ({this.state.message}). Nothing you saved is lost; go back to
        your studies or reload the page.
      </div>
    );
  }
}
