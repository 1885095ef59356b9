/** Age X25519 recipients are bech32 strings with the `age1` prefix. */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
