// Package secrets owns the secret rules: which files hold secrets by their
// name (.env, keys, certificates, credential stores), and which lines do by
// their content (known key formats such as AKIA…, ghp_…, sk_live_…, private
// key blocks, password/secret/token/key assignments with quoted or
// high-entropy values), plus the patterns the user adds in settings.
//
// The repository walk skips files matched by name; the index stores, and
// the pipeline puts into a prompt, only text with the secret values
// redacted; and the pipeline never completes in a file matched by name, in
// one holding a private key, or on a line that holds a secret.
package secrets
