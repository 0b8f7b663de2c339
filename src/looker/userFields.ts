/**
 * The fields of a Looker user an admin may write with `update_user` (PATCH /users/{id}), per the User schema of the
 * Looker 4.0 spec: every property not marked `readOnly`, leaving out the `credentials_*` objects (each changed through
 * its own endpoint). Plain data, no `vscode`: the details panel, its page and the audit log's undo share it.
 */

/**
 * The writable fields holding a plain value (text or boolean): the ones the details panel edits and an undo of a
 * field edit (`updateUser`) writes back, in the order the panel's form shows them.
 */
export const USER_VALUE_FIELDS = ['first_name', 'last_name', 'locale', 'home_folder_id', 'is_disabled', 'models_dir_validated', 'can_manage_api3_creds'] as const;

/** Every writable field of the spec's User schema: the value fields and `ui_state` (an object this extension never writes). */
export const WRITABLE_USER_FIELDS = [...USER_VALUE_FIELDS, 'ui_state'] as const;

export type UserValueField = (typeof USER_VALUE_FIELDS)[number];
