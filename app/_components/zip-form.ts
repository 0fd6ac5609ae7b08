// Shared by the rows' checkboxes (server-rendered) and the zip form (a client component):
// constants exported from a "use client" module would reach server code as references.

/** The form the checkboxes name in their `form` attribute. */
export const ZIP_FORM_ID = "zip-form";
/** The checkboxes' name; each value is a JSON `{ model, field, id }`. */
export const ZIP_ITEM = "zip-item";
