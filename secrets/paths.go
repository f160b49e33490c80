package secrets

import (
	"path"
	"strings"
)

// secretExts are extensions of keys, certificates and credential stores.
var secretExts = map[string]bool{
	".pem": true, ".key": true, ".crt": true, ".cer": true, ".der": true, ".p12": true,
	".pfx": true, ".p8": true, ".jks": true, ".keystore": true, ".kdbx": true, ".gpg": true,
	".asc": true, ".ovpn": true, ".tfvars": true, ".tfstate": true, ".age": true,
}

// secretNames are whole file names (lower case) that hold credentials.
var secretNames = map[string]bool{
	".npmrc": true, ".pypirc": true, ".netrc": true, "_netrc": true, ".git-credentials": true,
	".htpasswd": true, ".pgpass": true, ".dockercfg": true, ".boto": true, ".s3cfg": true,
	"id_rsa": true, "id_dsa": true, "id_ecdsa": true, "id_ed25519": true, "known_hosts": true,
	"authorized_keys": true, "service-account.json": true, "token.json": true,
}

// secretDirs are directories whose whole content is private.
var secretDirs = map[string]bool{".ssh": true, ".gnupg": true, ".aws": true, ".docker": true, ".kube": true}

// builtinPath reports whether p names a file that may hold secrets: .env
// files, private keys and certificates, credential and password stores.
func builtinPath(p string) bool {
	p = strings.ReplaceAll(p, "\\", "/")
	for _, d := range strings.Split(path.Dir(p), "/") {
		if secretDirs[strings.ToLower(d)] {
			return true
		}
	}
	base := strings.ToLower(path.Base(p))
	switch {
	case secretNames[base], secretExts[path.Ext(base)]:
		return true
	case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env") || base == ".envrc":
		return true
	case strings.HasPrefix(base, "id_rsa"), strings.HasPrefix(base, "id_dsa"),
		strings.HasPrefix(base, "id_ecdsa"), strings.HasPrefix(base, "id_ed25519"):
		return true
	case strings.HasPrefix(base, "credentials"), strings.HasPrefix(base, "secrets."),
		strings.HasPrefix(base, "secret."), strings.HasPrefix(base, ".secrets"):
		return true
	}
	return false
}
