import { Figure } from './figures';
/** Placeholder: the impact report benchmark is being written. */
export async function impactBench(): Promise<Figure[]> {
  return [];
}
