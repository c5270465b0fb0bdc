/** A problem the pane explains in its own words (texts.ts): its message is for the user, shown as it is. */
export class PaneProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaneProblem';
  }
}
