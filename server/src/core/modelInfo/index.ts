export * from './types';
export { baseModelFromName, parseBaseFilter } from './baseModelName';
export { readModelInfo, headerStamp, HEADER_READER_VERSION } from './read';
export { findPreview } from './previews';
