// Public surface of reference resolution.
export { resolveReferences, resolveReferencesCancellable, Resolver, type Flag, type MissingReason, type Resolution, type ResolveContext, type ResolvedReference, type Via } from './resolve';
export { FuzzyCache, fuzzyCandidates, fuzzyScore, confidenceOf, searchTerm, stem, type Candidate, type Confidence } from './fuzzy';
export { sequenceRatio } from './sequenceMatcher';
export { byFamily, familyOfLocation, familyOfName, wantedFamily, workflowFamily, type Family } from './family';
export { baseModelMismatches, isAddonCategory, workflowBaseModel, workflowBaseModelMismatches, type BaseModelMismatch } from './compatibility';
