import { DefinitionError, validateDefinition, type SegmentDefinition } from '../../lib/segments/definition';
import { HttpError } from '../http-errors';

/** Validates a definition as segment files are validated; a 422 listing every problem, each with its rule's path, when it is not valid. */
export function validDefinition(raw: unknown): SegmentDefinition {
  try {
    return validateDefinition(raw, 'definition');
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    const problems = err.problems.map((p) => ({ path: p.path, message: p.message }));
    throw new HttpError(422, `invalid segment definition: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
}
