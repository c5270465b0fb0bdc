import { Command } from 'commander';
/** Placeholder: `sfo-compat login` is being written. */
export function registerLoginCommand(program: Command, setCode: (code: number) => void): void {
  void program; void setCode;
}
