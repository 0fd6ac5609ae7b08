// What a FileSubmission keeps, shared by every upload path (multipart, tus, direct).

/** Longest description kept; longer ones are refused before any byte is taken. */
export const MAX_DESCRIPTION = 200;
