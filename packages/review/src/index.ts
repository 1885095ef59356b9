/** Object-level diffs of generated output between git revisions, and the audit trail from git history. */
export {};
