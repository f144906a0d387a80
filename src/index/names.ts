/** A collection's name: a folder name, a URL parameter and part of database identifiers, so kept plain. */
export const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The collection a request names when it names none. */
export const DEFAULT_COLLECTION_NAME = 'default';
