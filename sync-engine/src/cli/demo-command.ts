/** Placeholder: the demo is being written. */
export async function demoCommand(opts: { port: string; data: string }): Promise<number> {
  void opts;
  return 0;
}
